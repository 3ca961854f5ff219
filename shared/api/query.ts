// The query string as the plain object the zod query schemas read.
import type { Request } from '@google-cloud/functions-framework';

export function queryOf(req: Request): Record<string, unknown> {
  return { ...(req.query as Record<string, unknown>) };
}
