// The recovery store: the queries and transactions that put stuck jobs back on track — the sweeper's
// rules, and the submit path undoing a job whose message could not go out. Status moves go through
// the status machine inside a transaction in the implementation (firestore-recovery-store.ts).
import type { JobDocument } from '../jobs/job-document.js';
import type { JobErrorInfo } from '../jobs/job-error.js';

/** A queued job is republished when nothing has picked it up this long after it was made. */
export const QUEUED_REPUBLISH_AFTER_MS = 120_000;

/**
 * Bookkeeping kept on the job document (Firestore-only fields, not part of the API's job): how often
 * the job's message was republished, and when it may be republished next.
 */
export interface RequeueMarks {
  requeues: number;
  /** ISO time; null when the job was never due (no mark yet). */
  requeue_at: string | null;
}

export interface RecoveryCandidate {
  job: JobDocument;
  marks: RequeueMarks;
}

export type RecoveryAction =
  /** Record a republish (requeues+1, next requeue_at); the caller publishes the message. */
  | { action: 'requeue'; next_requeue_at: string }
  /** End the job (queued jobs take queued → processing → failed in one transaction). */
  | { action: 'end'; to: 'failed' | 'cancelled'; error: JobErrorInfo | null }
  | { action: 'skip'; reason: string };

export interface SettleOutcome {
  action: RecoveryAction;
  /** The job as it is after the transaction (as it was, for a skip). */
  job: JobDocument;
}

/** A webhook resend the sweep claimed: the job as re-read, and the result_sent_at the claim moved (put back if the publish fails). */
export interface WebhookResendClaim {
  job: JobDocument;
  previous_sent_at: string;
}

/** A page of a scan: the next page starts after `cursor` (null: no more). */
export interface CandidatePage {
  candidates: RecoveryCandidate[];
  cursor: string | null;
}

export interface RecoveryStore {
  /** `processing` jobs whose lease expired before `now`, the longest expired first. */
  expiredLeases(now: Date, limit: number): Promise<RecoveryCandidate[]>;
  /** `queued` jobs whose requeue_at is at or before `now`, the most overdue first. */
  dueQueued(now: Date, limit: number): Promise<RecoveryCandidate[]>;
  /** `processing` jobs started before `before`, oldest first, a page at a time. */
  processingStartedBefore(before: Date, limit: number, cursor: string | null): Promise<CandidatePage>;
  /** `queued` jobs created before `before`. */
  queuedCreatedBefore(before: Date, limit: number): Promise<RecoveryCandidate[]>;
  /** Terminal jobs whose codex-results message is owed and due at or before `now` (result-marks.ts), the most overdue first. */
  unsentResults(now: Date, limit: number): Promise<RecoveryCandidate[]>;
  /** Terminal jobs whose webhook is still `pending` though their result went out before `sentBefore`, the longest waiting first. */
  staleWebhooks(sentBefore: Date, limit: number): Promise<RecoveryCandidate[]>;
  /**
   * Re-reads the job in a transaction; while it still qualifies for staleWebhooks(sentBefore), moves
   * its result_sent_at to `now` (the next resend waits again) and answers the claim. Null otherwise.
   */
  claimWebhookResend(jobId: string, sentBefore: Date, now: Date): Promise<WebhookResendClaim | null>;
  /** The claimed republish failed: result_sent_at goes back to `previousSentAt` (if still the claim's `now`), so the next sweep tries again. */
  releaseWebhookResend(jobId: string, now: Date, previousSentAt: string): Promise<void>;
  /** Re-reads the job in a transaction, asks `decide` about it as it is now, and applies the answer. Null: no such job. */
  settle(jobId: string, decide: (candidate: RecoveryCandidate) => RecoveryAction): Promise<SettleOutcome | null>;
  /** Makes a queued (or lease-expired) job due for a republish at once: its message may not have gone out. */
  markUnsent(jobId: string): Promise<void>;
}

/** The marks a new queued document is created with: first due QUEUED_REPUBLISH_AFTER_MS after its creation. */
export function initialRequeueMarks(job: Pick<JobDocument, 'status' | 'created_at'>): Partial<RequeueMarks> {
  if (job.status !== 'queued') return {};
  return { requeues: 0, requeue_at: new Date(Date.parse(job.created_at) + QUEUED_REPUBLISH_AFTER_MS).toISOString() };
}
