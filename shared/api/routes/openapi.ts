// GET /openapi.json: the OpenAPI 3.1 document (open, like /health: it describes, it reveals nothing).
import { buildOpenApiDocument } from '../openapi.js';
import type { Route, RouteContext } from '../router.js';
import { timeoutLimits } from '../../jobs/job-lane.js';

let cached: { key: string; doc: unknown } | undefined;

async function openapi(ctx: RouteContext): Promise<void> {
  const key = `${ctx.deps.config.MAX_JOB_TIMEOUT_MS}|${ctx.deps.version}|${ctx.baseUrl}`;
  if (cached?.key !== key) cached = { key, doc: buildOpenApiDocument({ maxTimeoutMs: timeoutLimits(ctx.deps.config), version: ctx.deps.version, serverUrl: ctx.baseUrl }) };
  await ctx.send(200, cached.doc);
}

// Behind the API key like every route but /health (the contract's only open route).
export const openApiRoutes: Route[] = [{ method: 'GET', path: '/openapi.json', handle: openapi }];
