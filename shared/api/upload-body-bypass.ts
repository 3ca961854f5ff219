// PUT /uploads/{upload_id} streams its body (an archive of up to 31 MiB) straight to Cloud Storage.
// The Functions Framework would buffer every body first (its parsers take any content type), and
// the API's 1 MiB body limit is for JSON bodies: so for this one route the body is hidden from the
// parsers (they skip a request without a Content-Type) and the route reads the request stream itself.
import type { IncomingMessage } from 'node:http';
import { UPLOAD_MAX_BYTES } from '../workspace/upload-object.js';
import { setRouteBodyLimit } from './body-limit.js';

const UPLOAD_PUT = /^\/uploads\/[^/?#]+\/?(?:[?#]|$)/;

// The raw-byte body limit (body-limit.ts) lets this route through up to a little past its own limit,
// so the route's own check (a clean 413 that also ends the bucket write) is the one that answers.
setRouteBodyLimit('PUT', /^\/uploads\/[^/?#]+\/?$/, UPLOAD_MAX_BYTES + 1024 * 1024);

export function isStreamedUploadRequest(req: Pick<IncomingMessage, 'method' | 'url'>): boolean {
  return req.method === 'PUT' && UPLOAD_PUT.test(req.url ?? '');
}

/** Call before the framework's body parsers see the request. */
export function hideUploadBodyFromParsers(req: IncomingMessage): void {
  if (!isStreamedUploadRequest(req)) return;
  delete req.headers['content-type'];
}
