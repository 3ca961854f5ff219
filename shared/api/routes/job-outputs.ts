// GET /jobs/{id}/outputs lists the job's output files; GET /jobs/{id}/outputs/{path} streams one
// with its content type (piped from Cloud Storage, never buffered whole). Cloud Run caps a response
// that declares its length at 32 MiB, and outputs may reach OUTPUT_MAX_BYTES (1 GiB): a file above
// OUTPUT_REDIRECT_BYTES is a 302 to a short-lived V4 signed URL where the API can sign, and otherwise
// streamed without Content-Length (chunked, which Cloud Run does not cap). Only the recorded run's
// files: each object carries the attempt that wrote it (blobs/ordered-write.ts), and an object of
// another attempt (a run that lost its lease) is neither listed nor served.
import { pipeline } from 'node:stream/promises';
import { attemptOfObject } from '../../blobs/ordered-write.js';
import type { JobDocument } from '../../jobs/job-document.js';
import { isTerminal } from '../../jobs/job-status.js';
import { ApiError } from '../api-error.js';
import { outputObjectName, outputsPrefix, outputUrlPath } from '../output-path.js';
import type { Route, RouteContext } from '../router.js';
import { visibleJob } from './get-job.js';

/** Above this, an output is redirected to a signed URL (or streamed without a length). */
export const OUTPUT_REDIRECT_BYTES = 4 * 1024 * 1024;
/** A signed download URL is good for this long: enough to start the download, short if it leaks. */
const SIGNED_DOWNLOAD_TTL_MS = 15 * 60_000;

/**
 * Whether an object belongs to the job's record: written by its current attempt (the one that ended
 * it, once terminal), and, once terminal, only when that attempt recorded a result. Objects without
 * an attempt (written before attempts were kept) are the job's.
 */
function recorded(job: JobDocument, metadata: Record<string, string> | undefined): boolean {
  const attempt = attemptOfObject(metadata);
  if (attempt === null) return true;
  return attempt === job.attempts && !(isTerminal(job.status) && job.result === null);
}

async function listOutputs(ctx: RouteContext): Promise<void> {
  const job = await visibleJob(ctx, ctx.params.id!);
  const prefix = outputsPrefix(job.job_id);
  const blobs = await ctx.deps.blobs.list(ctx.deps.config.OUTPUTS_BUCKET, prefix);
  const files = blobs
    .filter((b) => b.name.length > prefix.length && !b.name.endsWith('/') && recorded(job, b.metadata))
    .map((b) => {
      const filename = b.name.slice(prefix.length);
      return { filename, size_bytes: b.size, content_type: b.contentType, url: ctx.baseUrl + outputUrlPath(job.job_id, filename) };
    })
    .sort((a, b) => a.filename.localeCompare(b.filename));
  await ctx.send(200, { files });
}

async function getOutput(ctx: RouteContext): Promise<void> {
  const relative = ctx.params.path!;
  const job = await visibleJob(ctx, ctx.params.id!);
  const name = outputObjectName(job.job_id, relative);
  const bucket = ctx.deps.config.OUTPUTS_BUCKET;
  const info = await ctx.deps.blobs.info(bucket, name);
  if (!info || !recorded(job, info.metadata)) throw new ApiError('not_found', `job ${job.job_id} has no output file ${relative}`);
  await ctx.admit();
  const { res } = ctx;
  const filename = relative.split('/').at(-1)!;
  const large = info.size > OUTPUT_REDIRECT_BYTES;
  if (large && ctx.deps.outputSigner) {
    try {
      const signed = await ctx.deps.outputSigner(bucket, name, { filename, contentType: info.contentType, expiresAt: new Date(Date.now() + SIGNED_DOWNLOAD_TTL_MS) });
      res.status(302).set({ location: signed.url, 'cache-control': 'private, no-store' }).end();
      return;
    } catch (err) {
      // Signing refused (the IAM Credentials API off, a missing grant): the file still goes out, streamed.
      ctx.log.warn('output download URL could not be signed; streaming it', { job_id: job.job_id, error: err as Error });
    }
  }
  // setHeader, not Express's set(): that would append a charset the object may not have.
  res.setHeader('content-type', info.contentType);
  // A large file goes out chunked: with a Content-Length above 32 MiB Cloud Run would refuse the response.
  if (!large) res.setHeader('content-length', String(info.size));
  res.status(200).set({
    'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`,
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    'cache-control': 'private, max-age=60',
  });
  try {
    await pipeline(ctx.deps.blobs.readStream(bucket, name), res);
  } catch (err) {
    // Headers are gone: the envelope cannot be sent; the client sees a cut-off body.
    if (!res.destroyed && (err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') ctx.log.error('output stream failed', { job_id: job.job_id, error: err as Error });
    res.destroy();
  }
}

export const jobOutputsRoutes: Route[] = [
  { method: 'GET', path: '/jobs/:id/outputs', handle: listOutputs },
  { method: 'GET', path: '/jobs/:id/outputs/*path', handle: getOutput },
];
