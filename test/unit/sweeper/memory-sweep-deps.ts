// In-memory fakes of the sweeper's interfaces (RecoveryStore, the result marks, the queue) for the
// pure tests of the rules. The Firestore implementation runs the same rules in test/integration/sweeper.
import { newJobDocument, type JobDocument } from '../../../shared/jobs/job-document.js';
import type { JobMessage } from '../../../shared/jobs/job-message.js';
import type { ResultMessage } from '../../../shared/jobs/result-message.js';
import { assertTransition, isTerminal } from '../../../shared/jobs/job-status.js';
import { createLogger } from '../../../shared/logging.js';
import { RESULT_RESEND_AFTER_MS } from '../../../shared/store/result-marks.js';
import {
  initialRequeueMarks,
  type CandidatePage,
  type RecoveryAction,
  type RecoveryCandidate,
  type RecoveryStore,
  type RequeueMarks,
  type SettleOutcome,
  type WebhookResendClaim,
} from '../../../shared/store/recovery-store.js';
import type { SweepDeps } from '../../../shared/sweeper/run-sweep.js';
import { jobSpec } from '../../support/job-spec.js';

/** The result marks of store/result-marks.ts: due (ISO) while owed and unsent, sent (at sent_at, when known) once confirmed. */
export interface MemoryResultMarks {
  due_at: string | null;
  sent: boolean;
  sent_at?: string;
}

export class MemoryRecoveryStore implements RecoveryStore {
  readonly rows = new Map<string, { job: JobDocument; marks: RequeueMarks; result: MemoryResultMarks }>();

  /** A terminal job is put as the store leaves it: its result owed since it ended, unless `result` says otherwise. */
  put(job: JobDocument, marks?: Partial<RequeueMarks>, result?: Partial<MemoryResultMarks>): JobDocument {
    const owed = isTerminal(job.status) ? (job.completed_at ?? job.updated_at) : null;
    this.rows.set(job.job_id, { job, marks: { requeues: 0, requeue_at: null, ...initialRequeueMarks(job), ...marks }, result: { due_at: owed, sent: false, ...result } });
    return job;
  }

  job(jobId: string): JobDocument {
    return this.rows.get(jobId)!.job;
  }

  private all(): RecoveryCandidate[] {
    return [...this.rows.values()].map(({ job, marks }) => ({ job, marks }));
  }

  async expiredLeases(now: Date, limit: number) {
    return this.all().filter((c) => c.job.status === 'processing' && c.job.lease && c.job.lease.expires_at < now.toISOString()).slice(0, limit);
  }

  async dueQueued(now: Date, limit: number) {
    return this.all().filter((c) => c.job.status === 'queued' && c.marks.requeue_at !== null && c.marks.requeue_at <= now.toISOString()).slice(0, limit);
  }

  async processingStartedBefore(before: Date, limit: number, cursor: string | null): Promise<CandidatePage> {
    const all = this.all()
      .filter((c) => c.job.status === 'processing' && c.job.started_at !== null && c.job.started_at < before.toISOString())
      .sort((a, b) => a.job.started_at!.localeCompare(b.job.started_at!));
    const start = cursor ? Number(cursor) : 0;
    const page = all.slice(start, start + limit);
    return { candidates: page, cursor: start + limit < all.length ? String(start + limit) : null };
  }

  async queuedCreatedBefore(before: Date, limit: number) {
    return this.all().filter((c) => c.job.status === 'queued' && c.job.created_at < before.toISOString()).slice(0, limit);
  }

  async unsentResults(now: Date, limit: number) {
    return [...this.rows.values()]
      .filter((r) => isTerminal(r.job.status) && !r.result.sent && r.result.due_at !== null && r.result.due_at <= now.toISOString())
      .sort((a, b) => a.result.due_at!.localeCompare(b.result.due_at!))
      .slice(0, limit)
      .map(({ job, marks }) => ({ job, marks }));
  }

  async staleWebhooks(sentBefore: Date, limit: number) {
    return [...this.rows.values()]
      .filter((r) => this.webhookStale(r, sentBefore))
      .sort((a, b) => a.result.sent_at!.localeCompare(b.result.sent_at!))
      .slice(0, limit)
      .map(({ job, marks }) => ({ job, marks }));
  }

  private webhookStale(r: { job: JobDocument; result: MemoryResultMarks }, sentBefore: Date): boolean {
    return isTerminal(r.job.status) && r.job.callback?.state === 'pending' && r.result.sent_at !== undefined && r.result.sent_at < sentBefore.toISOString();
  }

  async claimWebhookResend(jobId: string, sentBefore: Date, now: Date): Promise<WebhookResendClaim | null> {
    const row = this.rows.get(jobId);
    if (!row || !this.webhookStale(row, sentBefore)) return null;
    const previous = row.result.sent_at!;
    row.result = { ...row.result, sent_at: now.toISOString() };
    return { job: row.job, previous_sent_at: previous };
  }

  async releaseWebhookResend(jobId: string, now: Date, previousSentAt: string) {
    const row = this.rows.get(jobId);
    if (row && row.result.sent_at === now.toISOString()) row.result = { ...row.result, sent_at: previousSentAt };
  }

  async settle(jobId: string, decide: (c: RecoveryCandidate) => RecoveryAction): Promise<SettleOutcome | null> {
    const row = this.rows.get(jobId);
    if (!row) return null;
    const action = isTerminal(row.job.status) ? ({ action: 'skip', reason: row.job.status } as const) : decide({ job: row.job, marks: row.marks });
    if (action.action === 'skip') return { action, job: row.job };
    if (action.action === 'requeue') {
      row.marks = { requeues: row.marks.requeues + 1, requeue_at: action.next_requeue_at };
      return { action, job: row.job };
    }
    if (row.job.status === 'queued' && action.to === 'failed') assertTransition(jobId, 'queued', 'processing');
    else assertTransition(jobId, row.job.status, action.to);
    const at = new Date().toISOString();
    row.job = { ...row.job, status: action.to, error: action.error, lease: null, completed_at: at, updated_at: at };
    row.result = { due_at: at, sent: false };
    return { action, job: row.job };
  }

  async markUnsent(jobId: string) {
    const row = this.rows.get(jobId);
    if (row && !isTerminal(row.job.status)) row.marks = { ...row.marks, requeue_at: new Date(0).toISOString() };
  }
}

export interface MemorySweep {
  recovery: MemoryRecoveryStore;
  published: JobMessage[];
  results: ResultMessage[];
  logs: Record<string, unknown>[];
  deps(now: Date, overrides?: Partial<SweepDeps['config']>): SweepDeps;
  /** Makes the next `n` job publishes fail. */
  failPublishes(n: number): void;
  /** Makes the next `n` result publishes fail. */
  failResultPublishes(n: number): void;
}

export function memorySweep(): MemorySweep {
  const recovery = new MemoryRecoveryStore();
  const published: JobMessage[] = [];
  const results: ResultMessage[] = [];
  const logs: Record<string, unknown>[] = [];
  let failing = 0;
  let failingResults = 0;
  const log = createLogger('DEBUG', {}, (line) => logs.push(JSON.parse(line) as Record<string, unknown>));
  return {
    recovery,
    published,
    results,
    logs,
    failPublishes: (n) => void (failing = n),
    failResultPublishes: (n) => void (failingResults = n),
    deps: (now, overrides = {}) => ({
      recovery,
      store: {
        reserveResult: async (id, at = new Date()) => {
          const row = recovery.rows.get(id);
          if (!row || !isTerminal(row.job.status) || row.result.sent) return null;
          if (row.result.due_at !== null && row.result.due_at > at.toISOString()) return null;
          row.result.due_at = new Date(at.getTime() + RESULT_RESEND_AFTER_MS).toISOString();
          return row.job;
        },
        releaseResult: async (id) => void (recovery.rows.get(id)!.result.due_at = new Date().toISOString()),
        confirmResultSent: async (id) => void (recovery.rows.get(id)!.result = { due_at: null, sent: true, sent_at: new Date().toISOString() }),
      },
      queue: {
        publishJob: async (m) => {
          if (failing > 0) {
            failing--;
            throw new Error('injected publish failure');
          }
          published.push(m);
          return String(published.length);
        },
        publishResult: async (r) => {
          if (failingResults > 0) {
            failingResults--;
            throw new Error('injected result publish failure');
          }
          results.push(r);
          return String(results.length);
        },
      },
      config: { SWEEP_BATCH: 500, JOB_LEASE_MS: 60_000, MAX_ATTEMPTS: 3, WEBHOOK_RESEND_AFTER_MS: 900_000, ...overrides },
      log,
      now: () => now,
    }),
  };
}

/** A processing job started `startedAgoMs` before `now` whose lease ends `leaseEndsInMs` after it. */
export function processingJob(now: Date, startedAgoMs: number, leaseEndsInMs: number, extra: Partial<JobDocument> = {}): JobDocument {
  const doc = newJobDocument(jobSpec({ created_at: new Date(now.getTime() - startedAgoMs - 1000).toISOString() }), 30, new Date(now.getTime() - startedAgoMs - 1000));
  return {
    ...doc,
    status: 'processing',
    attempts: 1,
    started_at: new Date(now.getTime() - startedAgoMs).toISOString(),
    lease: { holder: 'holder-1', expires_at: new Date(now.getTime() + leaseEndsInMs).toISOString() },
    ...extra,
  };
}

/** A job that ended `endedAgoMs` before `now`. */
export function terminalJob(now: Date, endedAgoMs: number, status: 'completed' | 'failed' | 'cancelled' = 'completed'): JobDocument {
  const at = new Date(now.getTime() - endedAgoMs).toISOString();
  return { ...processingJob(now, endedAgoMs + 10_000, 0), status, lease: null, completed_at: at, updated_at: at };
}

export function queuedJob(now: Date, createdAgoMs: number): JobDocument {
  const at = new Date(now.getTime() - createdAgoMs);
  return newJobDocument(jobSpec({ created_at: at.toISOString() }), 30, at);
}
