// GET /jobs?status=&priority=&source=&limit=&cursor=: the caller's jobs (every job for an admin), newest first.
import { publicJob } from '../../jobs/job-document.js';
import { describeIssues } from '../../jobs/job-request.js';
import { ApiError } from '../api-error.js';
import { listQuerySchema } from '../api-schemas.js';
import { listJobs } from '../list-jobs.js';
import { queryOf } from '../query.js';
import type { Route, RouteContext } from '../router.js';

async function list(ctx: RouteContext): Promise<void> {
  const parsed = listQuerySchema.safeParse(queryOf(ctx.req));
  if (!parsed.success) {
    const details = describeIssues(parsed.error).map((d) => ({ ...d, field: `query.${d.field}` }));
    throw new ApiError('bad_request', `invalid query: ${details.map((d) => d.message).join('; ')}`, details);
  }
  const page = await listJobs(ctx.deps.firestore, ctx.caller.admin ? undefined : ctx.caller.name, parsed.data);
  await ctx.send(200, { ...page, jobs: page.jobs.map(publicJob) });
}

export const listJobsRoutes: Route[] = [{ method: 'GET', path: '/jobs', handle: list }];
