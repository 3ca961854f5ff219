// Rule: a `queued` job nobody picked up QUEUED_REPUBLISH_AFTER_MS (120 s) after it was made may never
// have had its message go out (a submit that died between the write and the publish): republish it.
// A duplicate of a delivered message is harmless; the backoff keeps duplicates few.
import type { RecoveryAction, RecoveryCandidate } from '../store/recovery-store.js';
import { republish } from './expired-leases.js';
import { nextRequeueAt, requeueDue } from './requeue-backoff.js';
import { actOnEach, type SweepDeps, type SweepRule } from './sweep-deps.js';

export function staleQueuedAction({ job, marks }: RecoveryCandidate, now: Date): RecoveryAction {
  if (job.status !== 'queued') return { action: 'skip', reason: job.status };
  if (!requeueDue(marks.requeue_at, now)) return { action: 'skip', reason: 'not due' };
  return { action: 'requeue', next_requeue_at: nextRequeueAt(now, marks.requeues + 1) };
}

export const staleQueuedRule: SweepRule = {
  name: 'stale_queued',
  async run(deps: SweepDeps, now: Date) {
    const candidates = await deps.recovery.dueQueued(now, deps.config.SWEEP_BATCH);
    return actOnEach(deps, 'stale_queued', candidates, async ({ job }) => republish(deps, job.job_id, (c) => staleQueuedAction(c, now)));
  },
};
