// POST /uploads makes an upload of the caller; PUT /uploads/{upload_id} streams its archive bytes
// (zip, tar, tar.gz, tgz; told by their first bytes) to gs://UPLOADS_BUCKET/inputs/{owner}/{id},
// at most 32 MiB counted on bytes received. Another owner's upload is not found.
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ACCEPTED_FORMATS_TEXT, archiveFormatOf, FORMAT_SNIFF_BYTES, type ArchiveFormat } from '../../workspace/archive-format.js';
import { UPLOAD_MAX_BYTES, uploadObjectName } from '../../workspace/upload-object.js';
import { completeUpload, createUploadRecord, ownUpload } from '../../workspace/upload-records.js';
import { UPLOAD_CONTENT_TYPE } from '../../workspace/upload-signer.js';
import { ApiError } from '../api-error.js';
import type { Route, RouteContext } from '../router.js';

async function createUpload(ctx: RouteContext): Promise<void> {
  const { deps, caller } = ctx;
  await ctx.admit();
  const record = await createUploadRecord(deps.firestore, caller.name);
  const objectName = uploadObjectName(caller.name, record.upload_id);
  let target = { url: `${ctx.baseUrl}/uploads/${record.upload_id}`, headers: { 'content-type': UPLOAD_CONTENT_TYPE } as Record<string, string> };
  if (deps.uploadSigner) {
    try {
      target = await deps.uploadSigner(deps.config.UPLOADS_BUCKET, objectName, new Date(record.url_expires_at));
    } catch (err) {
      // No signing permission (signBlob): the API route still works, within the function's request limit.
      ctx.log.warn('could not sign an upload URL; answering the API route instead', { error: err as Error });
    }
  }
  ctx.log.info('upload created', { upload_id: record.upload_id, owner: caller.name });
  await ctx.send(201, { upload_id: record.upload_id, upload_url: target.url, method: 'PUT', headers: target.headers, expires_at: record.url_expires_at, max_bytes: UPLOAD_MAX_BYTES });
}

class UploadRefused extends Error {
  constructor(readonly apiError: ApiError) {
    super(apiError.message);
  }
}

/** Checks the first bytes and counts all of them; refuses the stream as soon as it is wrong. */
function uploadGate(onFormat: (f: ArchiveFormat) => void): Transform & { size: () => number } {
  let size = 0;
  let head: Buffer | null = Buffer.alloc(0);
  const check = (final: boolean) => {
    if (!head || (head.length < FORMAT_SNIFF_BYTES && !final)) return null;
    const format = archiveFormatOf(head);
    if (!format) return new UploadRefused(new ApiError('bad_request', `the upload is not ${ACCEPTED_FORMATS_TEXT}`, [{ field: 'body', message: `must be ${ACCEPTED_FORMATS_TEXT}` }]));
    onFormat(format);
    const pending = head;
    head = null;
    return pending;
  };
  const gate = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > UPLOAD_MAX_BYTES) return done(new UploadRefused(new ApiError('payload_too_large', `an upload is at most ${UPLOAD_MAX_BYTES} bytes (32 MiB)`)));
      if (!head) return done(null, chunk);
      head = Buffer.concat([head, chunk]);
      const out = check(false);
      if (out instanceof Error) return done(out);
      done(null, out ?? undefined);
    },
    flush(done) {
      const out = check(true);
      if (out instanceof Error) return done(out);
      done(null, out ?? undefined);
    },
  });
  return Object.assign(gate, { size: () => size });
}

async function putUpload(ctx: RouteContext): Promise<void> {
  try {
    await receiveUpload(ctx);
  } catch (err) {
    // Refused before (or while) reading the body: do not keep the connection for the rest of it.
    if (!ctx.req.complete) {
      if (!ctx.res.headersSent) ctx.res.setHeader('connection', 'close');
      ctx.req.resume();
    }
    throw err;
  }
}

async function receiveUpload(ctx: RouteContext): Promise<void> {
  const { deps, caller, req } = ctx;
  const uploadId = ctx.params.upload_id!;
  const record = await ownUpload(deps.firestore, caller.name, uploadId);
  if (!record) throw new ApiError('not_found', `upload ${uploadId.slice(0, 64)} not found`);
  if (record.state === 'complete') throw new ApiError('conflict', `upload ${uploadId} already has its bytes; make a new one with POST /uploads`);
  if (Date.parse(record.url_expires_at) < Date.now()) throw new ApiError('bad_request', `upload ${uploadId} expired at ${record.url_expires_at}; make a new one with POST /uploads`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > UPLOAD_MAX_BYTES) throw new ApiError('payload_too_large', `an upload is at most ${UPLOAD_MAX_BYTES} bytes (32 MiB)`);
  await ctx.admit();
  const bucket = deps.config.UPLOADS_BUCKET;
  const name = uploadObjectName(caller.name, uploadId);
  let format: ArchiveFormat | null = null;
  const gate = uploadGate((f) => (format = f));
  try {
    await pipeline(req, gate, deps.blobs.writeStream(bucket, name, UPLOAD_CONTENT_TYPE));
  } catch (err) {
    await deps.blobs.delete(bucket, name).catch(() => undefined);
    if (err instanceof UploadRefused) throw err.apiError;
    if (req.aborted || (err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') throw new ApiError('bad_request', 'the upload was cut off before its end');
    throw err;
  }
  if (!format) throw new ApiError('bad_request', `the upload is empty; send ${ACCEPTED_FORMATS_TEXT}`);
  await completeUpload(deps.firestore, uploadId, gate.size(), format);
  ctx.log.info('upload received', { upload_id: uploadId, owner: caller.name, size_bytes: gate.size(), format });
  await ctx.send(200, { upload_id: uploadId, size_bytes: gate.size() });
}

export const uploadRoutes: Route[] = [
  { method: 'POST', path: '/uploads', handle: createUpload },
  { method: 'PUT', path: '/uploads/:upload_id', handle: putUpload },
];
