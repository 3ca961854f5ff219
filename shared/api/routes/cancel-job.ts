// POST /jobs/{id}/cancel: queued (or processing under an expired lease) → cancelled at once, and its
// result goes out on codex-results now, so its webhook does not wait for the message's turn in the
// backlog; processing → cancel_requested (the processor interrupts the turn); terminal → 409.
import { publicJob } from '../../jobs/job-document.js';
import { publishResultOnce } from '../../processor/publish-result.js';
import { ApiError } from '../api-error.js';
import type { Route, RouteContext } from '../router.js';
import { visibleJob } from './get-job.js';

async function cancelJob(ctx: RouteContext): Promise<void> {
  const job = await visibleJob(ctx, ctx.params.id!);
  await ctx.admit();
  const outcome = await ctx.deps.store.cancel(job.job_id);
  switch (outcome.outcome) {
    case 'missing':
      throw new ApiError('not_found', `job ${job.job_id} not found`);
    case 'terminal':
      throw new ApiError('conflict', `job ${job.job_id} is already ${outcome.job.status}`);
    default:
      ctx.log.info(outcome.outcome === 'cancelled' ? 'job cancelled' : 'cancel requested', { job_id: job.job_id, owner: ctx.caller.name });
      if (outcome.outcome === 'cancelled') {
        // The job is cancelled whatever happens here; a failed publish is retried by the processor when
        // the message arrives, or by the sweeper's unsent-results rule, whichever comes first.
        await publishResultOnce(ctx.deps.store, ctx.deps.queue, outcome.job).catch((err: Error) => ctx.log.error('could not publish the result of a cancelled job', { job_id: job.job_id, error: err }));
      }
      await ctx.send(200, publicJob(outcome.job));
  }
}

export const cancelJobRoutes: Route[] = [{ method: 'POST', path: '/jobs/:id/cancel', handle: cancelJob }];
