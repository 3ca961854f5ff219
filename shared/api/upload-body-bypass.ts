// PUT /uploads/{upload_id} streams its body (an archive of up to 32 MiB) straight to Cloud Storage.
// The Functions Framework would buffer every body first (its parsers take any content type), and
// the API's 1 MiB body limit is for JSON bodies: so for this one route the body is hidden from the
// parsers (they skip a request without a Content-Type) and the route reads the request stream itself.
import type { IncomingMessage } from 'node:http';

const UPLOAD_PUT = /^\/uploads\/[^/?#]+\/?(?:[?#]|$)/;

export function isStreamedUploadRequest(req: Pick<IncomingMessage, 'method' | 'url'>): boolean {
  return req.method === 'PUT' && UPLOAD_PUT.test(req.url ?? '');
}

/** Call before the framework's body parsers see the request. */
export function hideUploadBodyFromParsers(req: IncomingMessage): void {
  if (!isStreamedUploadRequest(req)) return;
  delete req.headers['content-type'];
}
