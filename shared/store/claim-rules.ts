// What a claim does with a job as it reads it (pure; the store applies it inside its transaction):
// leave it (terminal, or running under a live lease), end it without running it, or run it.
// A processing job whose lease expired (its holder died, or gave it back) is taken over unless a
// cancel was requested, its run is past its hard deadline (Codex must not start again: the job has
// had its time), or its counted attempts reached MAX_ATTEMPTS (give-backs are not counted).
import { countedAttempts } from '../jobs/job-attempts.js';
import { hardDeadline } from '../jobs/job-deadline.js';
import type { JobDocument } from '../jobs/job-document.js';
import type { JobErrorInfo } from '../jobs/job-error.js';
import { isTerminal } from '../jobs/job-status.js';

export type ClaimDecision =
  | { decision: 'terminal' }
  | { decision: 'busy' }
  | { decision: 'end'; to: 'failed' | 'cancelled'; error: JobErrorInfo | null }
  | { decision: 'run' };

export function claimDecision(job: JobDocument, options: { leaseMs: number; maxAttempts: number }, now: Date): ClaimDecision {
  if (isTerminal(job.status)) return { decision: 'terminal' };
  if (job.status !== 'processing') return { decision: 'run' };
  if (job.lease && Date.parse(job.lease.expires_at) > now.getTime()) return { decision: 'busy' };
  if (job.cancel_requested) return { decision: 'end', to: 'cancelled', error: null };
  const deadline = hardDeadline(job, options.leaseMs);
  if (deadline !== null && deadline <= now.getTime()) {
    return { decision: 'end', to: 'failed', error: { code: 'timeout', message: `the job's run passed its hard deadline (${new Date(deadline).toISOString()}: its run's start + timeout_ms ${job.timeout_ms} + lease + 300 s) before it could be taken over; Codex was not started again` } };
  }
  const counted = countedAttempts(job);
  if (counted >= options.maxAttempts) {
    return { decision: 'end', to: 'failed', error: { code: 'max_attempts', message: `the job was attempted ${counted} times (MAX_ATTEMPTS=${options.maxAttempts}) without finishing` } };
  }
  return { decision: 'run' };
}
