// GET /jobs?status=&priority=&source=&limit=&cursor=: the caller's jobs (every job for an admin), newest
// first, as summaries (jobs/job-summary.ts), streamed as Firestore returns them.
import { describeIssues } from '../../jobs/job-request.js';
import { ApiError } from '../api-error.js';
import { listQuerySchema } from '../api-schemas.js';
import { listJobs } from '../list-jobs.js';
import { queryOf } from '../query.js';
import type { Route, RouteContext } from '../router.js';
import { StreamedJson } from '../streamed-json.js';

async function list(ctx: RouteContext): Promise<void> {
  const parsed = listQuerySchema.safeParse(queryOf(ctx.req));
  if (!parsed.success) {
    const details = describeIssues(parsed.error).map((d) => ({ ...d, field: `query.${d.field}` }));
    throw new ApiError('bad_request', `invalid query: ${details.map((d) => d.message).join('; ')}`, details);
  }
  const out = new StreamedJson(ctx.res, ctx.admit);
  try {
    let count = 0;
    const nextCursor = await listJobs(ctx.deps.firestore, ctx.caller.admin ? undefined : ctx.caller.name, parsed.data, (job) =>
      out.write(`${count++ === 0 ? '{"jobs":[' : ','}${JSON.stringify(job)}`),
    );
    await out.write(`${count === 0 ? '{"jobs":[' : ''}],"next_cursor":${JSON.stringify(nextCursor)}}`);
    out.end();
  } catch (err) {
    out.fail(err);
    ctx.log.warn('the job list stream ended early', { error: err as Error });
  }
}

export const listJobsRoutes: Route[] = [{ method: 'GET', path: '/jobs', handle: list }];
