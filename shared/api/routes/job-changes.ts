// GET /jobs/{id}/changes: the job's result.changes (the whole file list streamed from result.json when
// the document keeps a cut one); GET /jobs/{id}/changes.patch: the binary-safe git patch, streamed from
// the outputs bucket. Both 409 while the job is not terminal; another owner's job is not found.
import { pipeline } from 'node:stream/promises';
import type { JobDocument } from '../../jobs/job-document.js';
import { isTerminal } from '../../jobs/job-status.js';
import { changesPatchObjectName, type Changes } from '../../workspace/workspace-schemas.js';
import { ApiError } from '../api-error.js';
import { resultChangedFiles } from '../result-changes.js';
import type { Route, RouteContext } from '../router.js';
import { StreamedJson } from '../streamed-json.js';
import { visibleJob } from './get-job.js';

async function terminalJobWithChanges(ctx: RouteContext): Promise<JobDocument & { result: { changes: Changes } }> {
  const job = await visibleJob(ctx, ctx.params.id!);
  if (!isTerminal(job.status)) throw new ApiError('conflict', `job ${job.job_id} is ${job.status}; its changes are known once it ends`);
  if (!job.result?.changes) throw new ApiError('not_found', `job ${job.job_id} has no changes (it ended ${job.error ? `with ${job.error.code} ` : ''}before they were recorded)`);
  return job as JobDocument & { result: { changes: Changes } };
}

/**
 * The document keeps the first CHANGES_FILES_IN_DOCUMENT files; the whole list is streamed from
 * result.json, a file at a time, between the document's other fields. If result.json cannot be read
 * before its first file, the document's list stands in (as cut, with truncated: true).
 */
async function streamWholeChanges(ctx: RouteContext, jobId: string, changes: Changes, outputsTruncated: boolean): Promise<void> {
  const { files: cut, ...rest } = changes;
  const out = new StreamedJson(ctx.res, ctx.admit);
  const fields = (o: object) => JSON.stringify(o).slice(1, -1);
  let count = 0;
  try {
    await out.write(`{${fields({ base: rest.base })},"files":[`);
    try {
      // result.json is only read here (the IAM test reads a bucket's use from the lines that name it).
      const files = resultChangedFiles(ctx.deps.blobs, ctx.deps.config.RESULTS_BUCKET, jobId);
      for await (const file of files) await out.write(`${count++ ? ',' : ''}${JSON.stringify(file)}`);
    } catch (err) {
      if (count > 0) throw err;
      ctx.log.warn('result.json could not be read; the changes list is the document\'s', { job_id: jobId, error: err as Error });
    }
    const whole = count > 0;
    if (!whole) await out.write(cut.map((f) => JSON.stringify(f)).join(','));
    // The whole list is cut only by the output caps (result.outputs_truncated); the document's by its own cap too.
    await out.write(`],${fields({ stats: rest.stats, patch_path: rest.patch_path, truncated: whole ? outputsTruncated : rest.truncated })}}`);
    out.end();
  } catch (err) {
    out.fail(err);
    ctx.log.warn('the changes stream ended early', { job_id: jobId, error: err as Error });
  }
}

async function getChanges(ctx: RouteContext): Promise<void> {
  const job = await terminalJobWithChanges(ctx);
  const changes = job.result.changes;
  if (changes.files.length >= changes.stats.files_changed) return ctx.send(200, changes);
  await streamWholeChanges(ctx, job.job_id, changes, job.result.outputs_truncated === true);
}

async function getPatch(ctx: RouteContext): Promise<void> {
  const job = await terminalJobWithChanges(ctx);
  const bucket = ctx.deps.config.OUTPUTS_BUCKET;
  const name = changesPatchObjectName(job.job_id);
  const info = await ctx.deps.blobs.info(bucket, name);
  if (!info) throw new ApiError('not_found', `job ${job.job_id} has no changes.patch`);
  await ctx.admit();
  const { res } = ctx;
  res.setHeader('content-type', 'text/x-diff');
  res.status(200).set({
    'content-length': String(info.size),
    'content-disposition': `attachment; filename="${job.job_id}.patch"`,
    'x-content-type-options': 'nosniff',
    'cache-control': 'private, max-age=60',
  });
  try {
    await pipeline(ctx.deps.blobs.readStream(bucket, name), res);
  } catch (err) {
    if (!res.destroyed && (err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') ctx.log.error('patch stream failed', { job_id: job.job_id, error: err as Error });
    res.destroy();
  }
}

export const jobChangesRoutes: Route[] = [
  { method: 'GET', path: '/jobs/:id/changes', handle: getChanges },
  { method: 'GET', path: '/jobs/:id/changes.patch', handle: getPatch },
];
