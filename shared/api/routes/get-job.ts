// GET /jobs/{id} (alias GET /status/{id}): the job document, only for its owner (or an admin).
import { publicJob, type JobDocument } from '../../jobs/job-document.js';
import { ApiError } from '../api-error.js';
import { canSee } from '../auth.js';
import type { Route, RouteContext } from '../router.js';

/** Firestore document ids: at most 1500 bytes, no slash, not `.` or `..`. Anything else cannot be a job. */
function plausibleJobId(id: string): boolean {
  return id.length > 0 && id.length <= 128 && !id.includes('/') && id !== '.' && id !== '..' && !/^__.*__$/.test(id);
}

/** The job if the caller may see it; another owner's job is reported missing, not forbidden. */
export async function visibleJob(ctx: RouteContext, jobId: string): Promise<JobDocument> {
  const job = plausibleJobId(jobId) ? await ctx.deps.store.get(jobId) : null;
  if (!job || !canSee(ctx.caller, job.owner)) throw new ApiError('not_found', `job ${jobId.slice(0, 128)} not found`);
  return job;
}

async function getJob(ctx: RouteContext): Promise<void> {
  await ctx.send(200, publicJob(await visibleJob(ctx, ctx.params.id!)));
}

export const getJobRoutes: Route[] = [
  { method: 'GET', path: '/jobs/:id', handle: getJob },
  { method: 'GET', path: '/status/:id', handle: getJob },
];
