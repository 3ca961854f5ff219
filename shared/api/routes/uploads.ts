// POST /uploads makes an upload of the caller; PUT /uploads/{upload_id} streams its archive bytes
// (zip, tar, tar.gz, tgz; told by their first bytes) to gs://UPLOADS_BUCKET/inputs/{owner}/{id},
// at most 31 MiB (under Cloud Run's 32 MiB request limit with headers) counted on bytes received. Another owner's upload is not found.
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
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

async function putUpload(ctx: RouteContext): Promise<void> {
  try {
    await receiveUpload(ctx);
  } catch (err) {
    // Refused before (or while) reading the body: do not keep the connection for the rest of it.
    if (!ctx.req.complete) {
      if (!ctx.res.headersSent) ctx.res.setHeader('connection', 'close');
      ctx.res.once('finish', () => ctx.req.destroy());
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
  if (Number.isFinite(declared) && declared > UPLOAD_MAX_BYTES) throw new ApiError('payload_too_large', `an upload is at most ${UPLOAD_MAX_BYTES} bytes (${UPLOAD_MAX_BYTES / 1024 / 1024} MiB)`);
  await ctx.admit();
  const bucket = deps.config.UPLOADS_BUCKET;
  const name = uploadObjectName(caller.name, uploadId);
  const received = await streamUpload(ctx, bucket, name);
  const { size, format } = received;
  await completeUpload(deps.firestore, uploadId, size, format);
  ctx.log.info('upload received', { upload_id: uploadId, owner: caller.name, size_bytes: size, format });
  await ctx.send(200, { upload_id: uploadId, size_bytes: size });
}

const tooLarge = () => new ApiError('payload_too_large', `an upload is at most ${UPLOAD_MAX_BYTES} bytes (${UPLOAD_MAX_BYTES / 1024 / 1024} MiB)`);
const cutOff = () => new ApiError('bad_request', 'the upload was cut off before its end');

/**
 * The next chunk of the body. The request stream fails only on the client's side (it went away
 * mid-body, or broke the chunked framing: node's "aborted"), so that is a 400, never a 500.
 */
async function nextChunk(chunks: AsyncIterableIterator<Buffer>): Promise<IteratorResult<Buffer>> {
  try {
    return await chunks.next();
  } catch {
    throw cutOff();
  }
}

/**
 * Reads the request body: the first bytes must be an archive's, then every chunk goes to the object
 * as it arrives (backpressure from the bucket), counted. Refused streams end their object cleanly
 * (a destroyed upload request would linger) and the object is removed.
 */
async function streamUpload(ctx: RouteContext, bucket: string, name: string): Promise<{ size: number; format: ArchiveFormat }> {
  const { deps, req } = ctx;
  const chunks = req.iterator({ destroyOnReturn: false }) as AsyncIterableIterator<Buffer>;
  let head = Buffer.alloc(0);
  let size = 0;
  for (;;) {
    const next = await nextChunk(chunks);
    if (next.done) break;
    head = Buffer.concat([head, next.value]);
    size = head.length;
    if (head.length >= FORMAT_SNIFF_BYTES) break;
  }
  if (req.aborted) throw cutOff();
  if (size > UPLOAD_MAX_BYTES) throw tooLarge();
  const format = archiveFormatOf(head);
  if (!format) throw new ApiError('bad_request', `the upload is not ${ACCEPTED_FORMATS_TEXT}`, [{ field: 'body', message: `must be ${ACCEPTED_FORMATS_TEXT}` }]);
  const out = deps.blobs.writeStream(bucket, name, UPLOAD_CONTENT_TYPE);
  const stored = finished(out);
  stored.catch(() => undefined);
  let refusal: ApiError | null = null;
  const write = async (chunk: Buffer) => {
    if (!out.write(chunk)) await Promise.race([once(out, 'drain'), stored]);
  };
  try {
    await write(head);
    for (;;) {
      const next = await nextChunk(chunks);
      if (next.done) break;
      size += next.value.length;
      if (size > UPLOAD_MAX_BYTES) {
        refusal = tooLarge();
        break;
      }
      await write(next.value);
    }
    if (!refusal && req.aborted) refusal = cutOff();
    out.end();
    await stored;
  } catch (err) {
    out.destroy();
    await deps.blobs.delete(bucket, name).catch(() => undefined);
    throw err;
  }
  if (refusal) {
    await deps.blobs.delete(bucket, name).catch(() => undefined);
    throw refusal;
  }
  return { size, format };
}

export const uploadRoutes: Route[] = [
  { method: 'POST', path: '/uploads', handle: createUpload },
  { method: 'PUT', path: '/uploads/:upload_id', handle: putUpload },
];
