// The JSON body of a POST: application/json only, at most 1 MiB. The Functions Framework has already
// read and parsed it (malformed JSON is answered by framework-error-envelope.ts before we run).
import type { Request } from '@google-cloud/functions-framework';
import { ApiError } from './api-error.js';
import { declaredBodyTooLarge, MAX_BODY_BYTES, tooLargeError } from './body-limit.js';

// The limit itself is enforced on the bytes received, before the framework's parsers (body-limit.ts);
// the checks here are a second line for a body that reached the handler.
export { MAX_BODY_BYTES, declaredBodyTooLarge, tooLargeError } from './body-limit.js';

function isJsonType(contentType: string | undefined): boolean {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  return mediaType === 'application/json';
}

/** The parsed JSON body of the request, after the content type and size checks. */
export function jsonBody(req: Request): unknown {
  const raw = (req as Request & { rawBody?: Buffer }).rawBody;
  if (declaredBodyTooLarge(req.headers) || (raw && raw.length > MAX_BODY_BYTES)) throw tooLargeError();
  if (!isJsonType(req.header('content-type'))) {
    const given = req.header('content-type');
    throw new ApiError('bad_request', `the body must be JSON with Content-Type: application/json${given ? ` (got ${given.slice(0, 100)})` : ' (no Content-Type given)'}`, [{ field: 'Content-Type', message: 'must be application/json' }], {}, 415);
  }
  return req.body;
}
