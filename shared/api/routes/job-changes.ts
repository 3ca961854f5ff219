// GET /jobs/{id}/changes: the job's result.changes (the whole file list from result.json when the
// document keeps a cut one); GET /jobs/{id}/changes.patch: the binary-safe git patch, streamed from
// the outputs bucket. Both 409 while the job is not terminal; another owner's job is not found.
import { pipeline } from 'node:stream/promises';
import type { JobDocument } from '../../jobs/job-document.js';
import { isTerminal } from '../../jobs/job-status.js';
import { changesPatchObjectName, changesSchema, type Changes } from '../../workspace/workspace-schemas.js';
import { ApiError } from '../api-error.js';
import type { Route, RouteContext } from '../router.js';
import { visibleJob } from './get-job.js';

async function terminalJobWithChanges(ctx: RouteContext): Promise<JobDocument & { result: { changes: Changes } }> {
  const job = await visibleJob(ctx, ctx.params.id!);
  if (!isTerminal(job.status)) throw new ApiError('conflict', `job ${job.job_id} is ${job.status}; its changes are known once it ends`);
  if (!job.result?.changes) throw new ApiError('not_found', `job ${job.job_id} has no changes (it ended ${job.error ? `with ${job.error.code} ` : ''}before they were recorded)`);
  return job as JobDocument & { result: { changes: Changes } };
}

async function fullChanges(ctx: RouteContext, jobId: string): Promise<Changes | null> {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.deps.blobs.readStream(ctx.deps.config.RESULTS_BUCKET, `jobs/${jobId}/result.json`)) chunks.push(chunk as Buffer);
  const parsed = changesSchema.safeParse((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { result?: { changes?: unknown } }).result?.changes);
  return parsed.success ? parsed.data : null;
}

async function getChanges(ctx: RouteContext): Promise<void> {
  const job = await terminalJobWithChanges(ctx);
  let changes = job.result.changes;
  if (changes.files.length < changes.stats.files_changed) {
    changes = (await fullChanges(ctx, job.job_id).catch(() => null)) ?? changes;
  }
  await ctx.send(200, changes);
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
