// The request body limit, enforced on the bytes as they arrive and before any parser sees them.
// The Functions Framework's body parsers would otherwise read and buffer up to 1 GiB (chunked bodies
// have no Content-Length to refuse up front). This hooks the request stream itself: every body chunk
// the HTTP parser pushes is counted first; past the limit nothing more is pushed, the socket stops
// being read, and the client gets 413 with the error envelope and `Connection: close` (a staged close:
// close-after-answer.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './api-error.js';
import { closeAfterAnswer } from './close-after-answer.js';

export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Routes with their own body limit (the 1 MiB one does not apply to them). PUT /uploads/{id}
 * streams archives of up to 31 MiB: its route adds itself here with its own limit.
 */
export const BODY_LIMIT_EXCEPTIONS: Array<{ method: string; path: RegExp; maxBytes: number }> = [];

/** A route with its own limit (idempotent per method and pattern). */
export function setRouteBodyLimit(method: string, path: RegExp, maxBytes: number): void {
  if (!BODY_LIMIT_EXCEPTIONS.some((e) => e.method === method && e.path.source === path.source)) BODY_LIMIT_EXCEPTIONS.push({ method, path, maxBytes });
}

export function bodyLimitFor(method: string | undefined, url: string | undefined): number {
  const path = (url ?? '/').split('?')[0]!;
  return BODY_LIMIT_EXCEPTIONS.find((e) => e.method === method && e.path.test(path))?.maxBytes ?? MAX_BODY_BYTES;
}

export function tooLargeError(maxBytes = MAX_BODY_BYTES): ApiError {
  const shown = maxBytes % (1024 * 1024) === 0 ? `${maxBytes / (1024 * 1024)} MiB` : `${maxBytes} bytes`;
  return new ApiError('payload_too_large', `the request body is larger than ${maxBytes} bytes (${shown})`);
}

/** Content-Length above the limit: reject before anything reads the body. */
export function declaredBodyTooLarge(headers: Record<string, string | string[] | undefined>, maxBytes = MAX_BODY_BYTES): boolean {
  const length = Number(headers['content-length']);
  return Number.isFinite(length) && length > maxBytes;
}

type Answer = (res: ServerResponse, error: ApiError) => void;

/** Stops reading the request for good: no more bytes are pushed, and the socket is not resumed. */
function stopReading(req: IncomingMessage): void {
  const stream = req as IncomingMessage & { push(chunk: unknown): boolean; _read(): void };
  // The HTTP parser pauses the socket when push() returns false; _read is what would resume it.
  stream.push = () => false;
  stream._read = () => undefined;
  req.socket.pause();
}

function refuse(req: IncomingMessage, res: ServerResponse, answer: Answer, maxBytes: number): void {
  stopReading(req);
  // After the answer is out, close; a client that keeps sending is cut off rather than read.
  closeAfterAnswer(req, res);
  answer(res, tooLargeError(maxBytes));
}

/**
 * Applies the limit to one request before the framework's middleware runs. Returns true when it
 * already answered (a declared Content-Length over the limit); chunked bodies are cut off as they
 * cross it, and the body parsers then see a stream that never ends (the answer is already sent).
 */
export function limitRequestBody(req: IncomingMessage, res: ServerResponse, answer: Answer): boolean {
  const maxBytes = bodyLimitFor(req.method, req.url);
  if (declaredBodyTooLarge(req.headers, maxBytes)) {
    refuse(req, res, answer, maxBytes);
    return true;
  }
  // body-parser would inflate gzip/deflate/br bodies with its own 1 GiB limit on the inflated size.
  const encoding = String(req.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding !== '' && encoding !== 'identity' && maxBytes === MAX_BODY_BYTES) {
    stopReading(req);
    closeAfterAnswer(req, res);
    answer(res, new ApiError('bad_request', `Content-Encoding ${encoding.slice(0, 40)} is not accepted: send the body uncompressed`, [{ field: 'Content-Encoding', message: 'must be identity' }], {}, 415));
    return true;
  }
  const stream = req as IncomingMessage & { push(chunk: unknown, encoding?: BufferEncoding): boolean };
  const push = stream.push.bind(stream);
  let received = 0;
  stream.push = (chunk: unknown, encoding?: BufferEncoding) => {
    if (chunk !== null && chunk !== undefined) {
      received += Buffer.isBuffer(chunk) ? chunk.length : Buffer.byteLength(String(chunk), encoding);
      if (received > maxBytes) {
        refuse(req, res, answer, maxBytes);
        return false;
      }
    }
    return push(chunk, encoding);
  };
  return false;
}
