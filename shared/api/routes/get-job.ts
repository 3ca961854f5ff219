// GET /jobs/{id} (alias GET /status/{id}): the job document, only for its owner (or an admin).
import type { JobDocument } from '../../jobs/job-document.js';
import { ApiError } from '../api-error.js';
import { canSee } from '../auth.js';
import type { Route, RouteContext } from '../router.js';

/** The job if the caller may see it; another owner's job is reported missing, not forbidden. */
export async function visibleJob(ctx: RouteContext, jobId: string): Promise<JobDocument> {
  const job = await ctx.deps.store.get(jobId);
  if (!job || !canSee(ctx.caller, job.owner)) throw new ApiError('not_found', `job ${jobId} not found`);
  return job;
}

async function getJob(ctx: RouteContext): Promise<void> {
  ctx.res.status(200).json(await visibleJob(ctx, ctx.params.id!));
}

export const getJobRoutes: Route[] = [
  { method: 'GET', path: '/jobs/:id', handle: getJob },
  { method: 'GET', path: '/status/:id', handle: getJob },
];
