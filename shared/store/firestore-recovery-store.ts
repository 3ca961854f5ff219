// RecoveryStore on Firestore: the sweeper's indexed queries (firestore.indexes.json), the one
// transaction that requeues or ends a job through the status machine, and the webhook resend claim.
import { FieldPath, FieldValue, type DocumentData, type Firestore, type Query, type QueryDocumentSnapshot } from '@google-cloud/firestore';
import { assertTransition, isTerminal, TERMINAL_STATUSES } from '../jobs/job-status.js';
import { fromFirestore, JOBS_COLLECTION } from './firestore-job-store.js';
import type { CandidatePage, RecoveryAction, RecoveryCandidate, RecoveryStore, SettleOutcome, WebhookResendClaim } from './recovery-store.js';
import { RESULT_DUE_AT, RESULT_SENT_AT, resultOwed } from './result-marks.js';

/** The composite indexes the queries below run on (firestore.indexes.json; a unit test checks it). */
export const RECOVERY_INDEXES: readonly (readonly [string, 'ASCENDING' | 'DESCENDING'])[][] = [
  [['status', 'ASCENDING'], ['lease.expires_at', 'ASCENDING']],
  [['status', 'ASCENDING'], ['requeue_at', 'ASCENDING']],
  [['status', 'ASCENDING'], ['started_at', 'ASCENDING']],
  [['status', 'ASCENDING'], ['created_at', 'DESCENDING']],
  [['status', 'ASCENDING'], ['result_due_at', 'ASCENDING']],
  [['status', 'ASCENDING'], ['callback.state', 'ASCENDING'], ['result_sent_at', 'ASCENDING']],
];

function candidateOf(data: DocumentData): RecoveryCandidate {
  return {
    job: fromFirestore(data),
    marks: { requeues: typeof data.requeues === 'number' ? data.requeues : 0, requeue_at: typeof data.requeue_at === 'string' ? data.requeue_at : null },
  };
}

/** Documents that no longer parse as a job are left out: they cannot be moved through the status machine safely. */
function candidatesOf(docs: QueryDocumentSnapshot[]): RecoveryCandidate[] {
  const out: RecoveryCandidate[] = [];
  for (const doc of docs) {
    try {
      out.push(candidateOf(doc.data()));
    } catch {
      // not a job document we can reason about
    }
  }
  return out;
}

function encodeCursor(startedAt: string, jobId: string): string {
  return Buffer.from(JSON.stringify([startedAt, jobId])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
}

export class FirestoreRecoveryStore implements RecoveryStore {
  constructor(readonly db: Firestore) {}

  private get jobs() {
    return this.db.collection(JOBS_COLLECTION);
  }

  private async run(query: Query): Promise<RecoveryCandidate[]> {
    return candidatesOf((await query.get()).docs);
  }

  expiredLeases(now: Date, limit: number): Promise<RecoveryCandidate[]> {
    return this.run(this.jobs.where('status', '==', 'processing').where('lease.expires_at', '<', now.toISOString()).orderBy('lease.expires_at').limit(limit));
  }

  dueQueued(now: Date, limit: number): Promise<RecoveryCandidate[]> {
    return this.run(this.jobs.where('status', '==', 'queued').where('requeue_at', '<=', now.toISOString()).orderBy('requeue_at').limit(limit));
  }

  async processingStartedBefore(before: Date, limit: number, cursor: string | null): Promise<CandidatePage> {
    let query = this.jobs.where('status', '==', 'processing').where('started_at', '<', before.toISOString()).orderBy('started_at').orderBy(FieldPath.documentId()).limit(limit);
    if (cursor) query = query.startAfter(...decodeCursor(cursor));
    const snap = await query.get();
    const candidates = candidatesOf(snap.docs);
    const last = snap.docs.at(-1);
    return { candidates, cursor: snap.size === limit && last ? encodeCursor(String(last.get('started_at')), last.id) : null };
  }

  queuedCreatedBefore(before: Date, limit: number): Promise<RecoveryCandidate[]> {
    return this.run(this.jobs.where('status', '==', 'queued').where('created_at', '<', before.toISOString()).orderBy('created_at', 'desc').limit(limit));
  }

  /** Only terminal jobs carry result_due_at; the status filter says so to the query too. */
  unsentResults(now: Date, limit: number): Promise<RecoveryCandidate[]> {
    return this.run(this.jobs.where('status', 'in', TERMINAL_STATUSES).where(RESULT_DUE_AT, '<=', now.toISOString()).orderBy(RESULT_DUE_AT).limit(limit));
  }

  staleWebhooks(sentBefore: Date, limit: number): Promise<RecoveryCandidate[]> {
    return this.run(
      this.jobs.where('status', 'in', TERMINAL_STATUSES).where('callback.state', '==', 'pending').where(RESULT_SENT_AT, '<', sentBefore.toISOString()).orderBy(RESULT_SENT_AT).limit(limit),
    );
  }

  async claimWebhookResend(jobId: string, sentBefore: Date, now: Date): Promise<WebhookResendClaim | null> {
    const ref = this.jobs.doc(jobId);
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (!snap.exists) return null;
      const job = fromFirestore(snap.data()!);
      const sentAt: unknown = snap.get(RESULT_SENT_AT);
      // The notifier may have recorded the outcome since the query, or a concurrent sweep claimed it.
      if (!isTerminal(job.status) || job.callback?.state !== 'pending' || typeof sentAt !== 'string' || sentAt >= sentBefore.toISOString()) return null;
      tx.update(ref, { [RESULT_SENT_AT]: now.toISOString() });
      return { job, previous_sent_at: sentAt };
    });
  }

  async releaseWebhookResend(jobId: string, now: Date, previousSentAt: string): Promise<void> {
    const ref = this.jobs.doc(jobId);
    await this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (snap.exists && snap.get(RESULT_SENT_AT) === now.toISOString()) tx.update(ref, { [RESULT_SENT_AT]: previousSentAt });
    });
  }

  async settle(jobId: string, decide: (candidate: RecoveryCandidate) => RecoveryAction): Promise<SettleOutcome | null> {
    const ref = this.jobs.doc(jobId);
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (!snap.exists) return null;
      const candidate = candidateOf(snap.data()!);
      const { job } = candidate;
      const action = isTerminal(job.status) ? ({ action: 'skip', reason: job.status } as const) : decide(candidate);
      const at = new Date().toISOString();
      if (action.action === 'skip') return { action, job };
      if (action.action === 'requeue') {
        tx.update(ref, { requeues: candidate.marks.requeues + 1, requeue_at: action.next_requeue_at });
        return { action, job };
      }
      if (job.status === 'queued' && action.to === 'failed') assertTransition(jobId, 'queued', 'processing');
      assertTransition(jobId, job.status === 'queued' && action.to === 'failed' ? 'processing' : job.status, action.to);
      const ended = {
        status: action.to,
        error: action.error,
        lease: null,
        completed_at: at,
        updated_at: at,
        progress: { stage: 'done' as const, message: action.error ? `${action.to}: ${action.error.message}` : action.to, updated_at: at },
      };
      // The caller publishes the result next; if it dies first, the owed mark lets the sweeper send it.
      tx.update(ref, { ...ended, requeues: FieldValue.delete(), requeue_at: FieldValue.delete(), ...resultOwed(at) });
      return { action, job: { ...job, ...ended } };
    });
  }

  async markUnsent(jobId: string): Promise<void> {
    const ref = this.jobs.doc(jobId);
    await this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      const status = snap.exists ? snap.get('status') : undefined;
      if (status === 'queued' || status === 'processing') tx.update(ref, { requeue_at: new Date().toISOString() });
    });
  }
}
