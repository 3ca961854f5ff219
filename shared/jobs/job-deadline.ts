// A processing job's hard deadline: its current run's start + timeout_ms + JOB_LEASE_MS + 300 s. Past
// it the job fails with `timeout` whatever its holder says (the sweeper), and a takeover does not
// start Codex again (the claim ends it). Every run (a takeover, or a given-back job's next holder)
// starts its turn afresh with the whole timeout_ms, so the deadline counts from the run's start
// (run_started_at); started_at stays the job's first start.
import type { JobDocument } from './job-document.js';

/** Kept after timeout + lease for uploads and bookkeeping before the job counts as overdue. */
export const HARD_DEADLINE_GRACE_MS = 300_000;

export function runStartedAt(job: Pick<JobDocument, 'started_at' | 'run_started_at'>): string | null {
  return job.run_started_at ?? job.started_at;
}

export function hardDeadline(job: Pick<JobDocument, 'started_at' | 'run_started_at' | 'timeout_ms'>, leaseMs: number): number | null {
  const start = runStartedAt(job);
  if (!start) return null;
  return Date.parse(start) + job.timeout_ms + leaseMs + HARD_DEADLINE_GRACE_MS;
}
