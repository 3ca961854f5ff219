// The Functions Framework parses bodies and decodes paths before our handler runs; its own errors
// (malformed JSON, an unknown charset or encoding, bad percent-encoding in the path) would reach
// Express's default final handler, which answers an HTML page (with a stack trace outside
// production). This installs a final handler that answers those with the API's error envelope, and
// refuses a declared Content-Length over 1 MiB before the framework buffers the body.
// It hooks the Express instance the framework itself resolves, and must run before the framework
// builds its server (at function registration, which happens first in both the CLI and tests).
import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, type ApiErrorCode } from './api-error.js';
import { declaredBodyTooLarge, tooLargeError } from './request-body.js';
import { hideUploadBodyFromParsers, isStreamedUploadRequest } from './upload-body-bypass.js';

type Handle = (req: IncomingMessage, res: ServerResponse, callback?: (err?: unknown) => void) => void;
interface ExpressModule {
  application: { handle: Handle; __codexEnvelope?: boolean };
}

function frameworkExpress(): ExpressModule {
  const require = createRequire(import.meta.url);
  const fromFramework = createRequire(require.resolve('@google-cloud/functions-framework'));
  return fromFramework('express') as ExpressModule;
}

function codeFor(status: number): ApiErrorCode {
  if (status === 413) return 'payload_too_large';
  if (status === 404) return 'not_found';
  if (status >= 400 && status < 500) return 'bad_request';
  return 'internal';
}

function messageFor(err: { type?: string; message?: string }, status: number): string {
  if (err.type === 'entity.parse.failed') return 'the body is not valid JSON (a JSON object is expected)';
  if (err.type === 'charset.unsupported' || err.type === 'encoding.unsupported') return err.message ?? 'unsupported body encoding';
  if (err instanceof URIError) return 'the request path is not valid URL encoding';
  if (status === 413) return tooLargeError().message;
  if (status >= 400 && status < 500) return 'the request body could not be read';
  return 'internal error';
}

function answer(res: ServerResponse, error: ApiError): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = JSON.stringify(error.toBody());
  res.statusCode = error.status;
  for (const [k, v] of Object.entries(error.headers)) res.setHeader(k, v);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}

/** Idempotent; affects every Express app the framework creates in this process. */
export function installFrameworkErrorEnvelope(): void {
  const app = frameworkExpress().application;
  if (app.__codexEnvelope) return;
  const original = app.handle;
  app.handle = function (this: unknown, req, res, callback) {
    // PUT /uploads/{id} streams its own body with its own limit (upload-body-bypass.ts).
    hideUploadBodyFromParsers(req);
    if (!isStreamedUploadRequest(req) && declaredBodyTooLarge(req.headers)) {
      res.setHeader('connection', 'close');
      answer(res, tooLargeError());
      req.resume(); // drain what the client keeps sending; the connection closes after
      return;
    }
    const final =
      callback ??
      ((err?: unknown) => {
        if (err === undefined || err === null) {
          answer(res, new ApiError('not_found', `no route for ${req.method} ${req.url?.split('?')[0] ?? ''}`));
          return;
        }
        const e = err as { status?: number; statusCode?: number; type?: string; message?: string };
        const status = e.status ?? e.statusCode ?? 500;
        answer(res, new ApiError(codeFor(status), messageFor(e, status), undefined, {}, status === 415 ? 415 : undefined));
      });
    return original.call(this, req, res, final);
  };
  app.__codexEnvelope = true;
}
