// Rule: jobs that can no longer run end with a named error, without waiting for a processor:
// - `processing` under an expired lease with a cancel requested → `cancelled`;
// - `processing` under an expired lease with MAX_ATTEMPTS used (give-backs not counted) → `failed` max_attempts;
// - `queued` longer than a message is kept (7 days): its messages were dead-lettered or expired
//   → `failed` dead_lettered.
import { countedAttempts } from '../jobs/job-attempts.js';
import type { JobDocument } from '../jobs/job-document.js';
import { publishResultOnce } from '../processor/publish-result.js';
import type { RecoveryAction, RecoveryCandidate } from '../store/recovery-store.js';
import { actOnEach, logEnded, type SweepDeps, type SweepRule } from './sweep-deps.js';

/** The subscriptions' message retention (terraform/subscriptions.json, job policy). */
export const QUEUED_MAX_AGE_MS = 7 * 86_400_000;

function leaseExpired(job: JobDocument, now: Date): boolean {
  return job.status === 'processing' && (!job.lease || Date.parse(job.lease.expires_at) <= now.getTime());
}

export function unrunnableAction(job: JobDocument, maxAttempts: number, now: Date): RecoveryAction {
  if (leaseExpired(job, now) && job.cancel_requested) return { action: 'end', to: 'cancelled', error: null };
  if (leaseExpired(job, now) && countedAttempts(job) >= maxAttempts) {
    return { action: 'end', to: 'failed', error: { code: 'max_attempts', message: `the job was attempted ${countedAttempts(job)} times (MAX_ATTEMPTS=${maxAttempts}) without finishing` } };
  }
  if (job.status === 'queued' && Date.parse(job.created_at) <= now.getTime() - QUEUED_MAX_AGE_MS) {
    return { action: 'end', to: 'failed', error: { code: 'dead_lettered', message: `the job waited ${QUEUED_MAX_AGE_MS / 86_400_000} days without a processor taking it: its messages were dead-lettered or expired` } };
  }
  return { action: 'skip', reason: 'can still run' };
}

export const unrunnableRule: SweepRule = {
  name: 'unrunnable',
  async run(deps: SweepDeps, now: Date) {
    const { MAX_ATTEMPTS: maxAttempts, SWEEP_BATCH: batch } = deps.config;
    const [expired, old] = await Promise.all([deps.recovery.expiredLeases(now, batch), deps.recovery.queuedCreatedBefore(new Date(now.getTime() - QUEUED_MAX_AGE_MS), batch)]);
    const doomed = [...expired, ...old].filter((c) => unrunnableAction(c.job, maxAttempts, now).action === 'end').slice(0, batch);
    return actOnEach(deps, 'unrunnable', doomed, async ({ job }: RecoveryCandidate) => {
      const settled = await deps.recovery.settle(job.job_id, (c) => unrunnableAction(c.job, maxAttempts, now));
      if (!settled || settled.action.action !== 'end') return false;
      logEnded(deps, 'unrunnable', settled.job);
      await publishResultOnce(deps.store, deps.queue, settled.job);
      return true;
    });
  },
};
