// The job store: every read and write of job state. Status moves go through the status machine
// inside a transaction in the implementation (firestore-job-store.ts).
import type { Quotas } from '../usage/quotas.js';
import type { CallbackRecord, JobDocument, JobEvent, JobResult, JobSpec, ProgressStage } from '../jobs/job-document.js';
import type { JobErrorInfo } from '../jobs/job-error.js';

export type ClaimOutcome =
  | { outcome: 'claimed'; job: JobDocument }
  /** another holder runs it under a live lease: do nothing, but keep the message (see handle-job-message.ts) */
  | { outcome: 'busy'; job: JobDocument }
  /** already completed, failed or cancelled */
  | { outcome: 'terminal'; job: JobDocument }
  /** the claim ended the job itself (attempts exhausted, past its hard deadline, or a cancel requested before a takeover) */
  | { outcome: 'ended'; job: JobDocument }
  /** the job may not start yet (nothing was written, no attempt counted): see JobWait */
  | { outcome: 'waiting'; job: JobDocument; wait: JobWait };

/**
 * Why a job that could run must wait, and for what. Its delivery is answered for a redelivery (push:
 * 429 with Retry-After; the long lane: nacked), never acked and never counted as an attempt. One
 * shape for every reason, so a later one (the owner's concurrent_jobs quota) answers the same way.
 */
export type JobWait =
  /** an earlier job of the owner's session is still queued or processing (session-order.ts) */
  | { reason: 'session_order'; earlier: JobDocument }
  /** the owner already runs its concurrent_jobs quota (usage/concurrency-quota.ts) */
  | { reason: 'concurrent_jobs'; limit: number; running: string[] };

export interface ClaimOptions {
  holder: string;
  leaseMs: number;
  maxAttempts: number;
  ttlDays: number;
  /** QUOTAS: with a concurrent_jobs quota for the owner, a claim past it waits. */
  quotas?: Quotas;
}

export type CancelOutcome =
  | { outcome: 'cancelled'; job: JobDocument }
  | { outcome: 'requested'; job: JobDocument }
  | { outcome: 'terminal'; job: JobDocument }
  | { outcome: 'missing' };

/** Who may write for a running job: its lease holder, in the attempt it claimed (one process can hold several). */
export interface HolderFence {
  holder: string;
  attempt: number;
}

/** A fenced write refused: the job is no longer processing under this holder and attempt. */
export class NotHolderError extends Error {
  override name = 'NotHolderError';
  constructor(jobId: string) {
    super(`job ${jobId} is no longer held by this run`);
  }
}

export interface TerminalPatch {
  result?: JobResult | null;
  error?: JobErrorInfo | null;
}

export interface JobStore {
  /** Creates the document if absent; an existing one is returned untouched (idempotent producers). */
  create(job: JobDocument): Promise<{ created: boolean; job: JobDocument }>;
  get(jobId: string): Promise<JobDocument | null>;
  /** queued → processing under a lease; creates the document from the spec when the message won the race. */
  claim(spec: JobSpec, options: ClaimOptions): Promise<ClaimOutcome>;
  /** Extends the lease; false when the job is no longer ours (taken over or ended). */
  renewLease(jobId: string, holder: string, leaseMs: number): Promise<boolean>;
  /**
   * Ends our lease now, so the redelivery can take over at once: a run that failed before recording an
   * outcome (the attempt counts), or, with givenBack, a job a shutting-down worker gives back unfinished
   * (given_back+1: not counted against MAX_ATTEMPTS, job-attempts.ts).
   */
  releaseLease(jobId: string, holder: string, options?: { givenBack?: boolean }): Promise<void>;
  /**
   * Hands a queued job's message over to the sweeper: the job is due for a republish (stale_queued)
   * at `at`. False (nothing done) when the job is missing or not queued.
   */
  requeueAt(jobId: string, at: Date): Promise<boolean>;
  /** With a fence, written only to the job as read with that holder and attempt running it (else NotHolderError). */
  setProgress(jobId: string, stage: ProgressStage, message: string, percent?: number, fence?: HolderFence): Promise<void>;
  /**
   * Moves a job to a terminal status. With a holder, only while that holder still owns the lease
   * (and, with options.attempt, only in that attempt).
   * Like every terminal write it makes the result owed (result-marks.ts); with reserveResult the
   * caller also holds the reservation and publishes next (publishReservedResult).
   */
  finish(jobId: string, to: 'completed' | 'failed' | 'cancelled', patch: TerminalPatch, holder?: string, options?: { reserveResult?: boolean; attempt?: number }): Promise<JobDocument | null>;
  /**
   * Fails a job whose message was dead-lettered (error.code dead_lettered). A queued job takes the two
   * legal moves queued → processing → failed in one transaction; a terminal job, a processing job
   * under a live lease (its holder finishes it), and a job still waiting behind an earlier job of its
   * session (it has not failed) are left as they are; the waiting one is made due for the sweeper's
   * republish at once (its message is gone).
   */
  failDeadLettered(spec: JobSpec, message: string, ttlDays: number): Promise<JobDocument>;
  /** queued (or processing under an expired lease) → cancelled at once; processing → cancel_requested for the processor to act on. */
  cancel(jobId: string): Promise<CancelOutcome>;
  /** Calls back on every change of the document until the returned function is called. */
  watch(jobId: string, onChange: (job: JobDocument) => void): () => void;
  /** With a fence, written only when a read just before shows that holder and attempt still run the job (else NotHolderError, nothing written). */
  appendEvents(jobId: string, events: JobEvent[], fence?: HolderFence): Promise<void>;
  /** The highest event seq written for the job, or -1. */
  lastEventSeq(jobId: string): Promise<number>;
  listEvents(jobId: string, afterSeq: number, limit: number): Promise<JobEvent[]>;
  /**
   * Reserves the terminal job's codex-results message for the caller to publish: the job as it is,
   * when its result is owed and due (never sent, nobody holding it); null otherwise, or when the job
   * is missing or not terminal. Due is judged at `now` (default: the wall clock).
   */
  reserveResult(jobId: string, now?: Date): Promise<JobDocument | null>;
  /** The reserved publish failed: the result is due again at once (a redelivery or the next sweep sends it). */
  releaseResult(jobId: string): Promise<void>;
  /** The reserved publish went out: the result is never sent again. */
  confirmResultSent(jobId: string): Promise<void>;
  setCallback(jobId: string, callback: CallbackRecord): Promise<void>;
}
