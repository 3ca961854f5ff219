// Rule: a `processing` job past its hard deadline (its run's start + timeout_ms + JOB_LEASE_MS + 300 s, job-deadline.ts)
// is failed with `timeout`, whatever its holder says: a holder that is still running finds its lease
// gone at its next renewal and stops.
import type { JobDocument } from '../jobs/job-document.js';
import { HARD_DEADLINE_GRACE_MS, hardDeadline } from '../jobs/job-deadline.js';
import { publishResultOnce } from '../processor/publish-result.js';
import type { RecoveryAction } from '../store/recovery-store.js';
import { actOnEach, emptyCounts, logEnded, type SweepDeps, type SweepRule } from './sweep-deps.js';

/** The shortest timeout_ms a job can have: the scan starts from jobs that could be overdue at all. */
const MIN_TIMEOUT_MS = 1000;
/** Pages of SWEEP_BATCH scanned per sweep: long-running legal jobs sort first and must not hide overdue ones. */
const MAX_PAGES = 10;

export { HARD_DEADLINE_GRACE_MS, hardDeadline };

export function hardDeadlineAction(job: JobDocument, leaseMs: number, now: Date): RecoveryAction {
  const deadline = hardDeadline(job, leaseMs);
  if (job.status !== 'processing' || deadline === null || deadline > now.getTime()) return { action: 'skip', reason: 'within its deadline' };
  return {
    action: 'end',
    to: 'failed',
    error: { code: 'timeout', message: `the job ran past its hard deadline (${new Date(deadline).toISOString()}: its run's start + timeout_ms ${job.timeout_ms} + lease + ${HARD_DEADLINE_GRACE_MS / 1000} s)` },
  };
}

export const hardDeadlineRule: SweepRule = {
  name: 'hard_deadline',
  async run(deps: SweepDeps, now: Date) {
    const { JOB_LEASE_MS: leaseMs, SWEEP_BATCH: batch } = deps.config;
    const before = new Date(now.getTime() - MIN_TIMEOUT_MS - leaseMs - HARD_DEADLINE_GRACE_MS);
    const counts = emptyCounts();
    let cursor: string | null = null;
    for (let page = 0; page < MAX_PAGES && counts.acted < batch; page++) {
      const found = await deps.recovery.processingStartedBefore(before, batch, cursor);
      const overdue = found.candidates.filter((c) => hardDeadlineAction(c.job, leaseMs, now).action === 'end').slice(0, batch - counts.acted);
      await actOnEach(deps, 'hard_deadline', overdue, async ({ job }) => {
        const settled = await deps.recovery.settle(job.job_id, (c) => hardDeadlineAction(c.job, leaseMs, now));
        if (!settled || settled.action.action !== 'end') return false;
        logEnded(deps, 'hard_deadline', settled.job);
        await publishResultOnce(deps.store, deps.queue, settled.job);
        return true;
      }, counts);
      cursor = found.cursor;
      if (!cursor) break;
    }
    return counts;
  },
};
