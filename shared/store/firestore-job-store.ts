// JobStore on Firestore. Every status move happens here, inside a transaction, through the status machine.
import { FieldValue, Firestore, Timestamp, type DocumentData, type DocumentReference, type DocumentSnapshot, type Transaction } from '@google-cloud/firestore';
import { newJobDocument, type CallbackRecord, type JobDocument, type JobEvent, type JobSpec, type ProgressStage } from '../jobs/job-document.js';
import { assertTransition, isTerminal } from '../jobs/job-status.js';
import { NotHolderError, type CancelOutcome, type ClaimOptions, type ClaimOutcome, type HolderFence, type JobStore, type TerminalPatch } from './job-store.js';
import { claimDecision } from './claim-rules.js';
import { CoalescedCreates } from './coalesced-creates.js';
import { earlierSessionJob } from './session-order.js';
import { checkConcurrentJobs } from '../usage/concurrency-quota.js';
import { tokenCapAtStart } from '../usage/token-cap.js';
import { resultBudget, resultForDocument } from './document-limits.js';
import { initialRequeueMarks } from './recovery-store.js';
import { EVENTS_COLLECTION, JOBS_COLLECTION, eventBatches, eventDocId, eventFromFirestore, fromFirestore, toFirestore } from './firestore-job-codec.js';
import { RESULT_DUE_AT, RESULT_SENT_AT, reservedUntil, resultMarkState, resultOwed } from './result-marks.js';

export { JOBS_COLLECTION, EVENTS_COLLECTION, EVENT_BATCH_WRITES, EVENT_BATCH_BYTES, eventDocId, toFirestore, normalized, fromFirestore, eventFromFirestore } from './firestore-job-codec.js';
/** Firestore caps a document at 1 MiB: long texts are cut in the document (result.json keeps them whole). */
export { DOC_TEXT_LIMIT } from './document-limits.js';

export class FirestoreJobStore implements JobStore {
  /** eventTtlDays: events carry their own expire_at, since a TTL delete of a job leaves its subcollection. */
  private readonly creates: CoalescedCreates;

  constructor(
    readonly db: Firestore,
    readonly eventTtlDays = 30,
  ) {
    this.creates = new CoalescedCreates(db);
  }

  ref(jobId: string): DocumentReference {
    return this.db.collection(JOBS_COLLECTION).doc(jobId);
  }

  async create(job: JobDocument): Promise<{ created: boolean; job: JobDocument }> {
    try {
      // A job born terminal (a rejected upload) owes its result like any other.
      await this.creates.create(this.ref(job.job_id), { ...toFirestore(job), ...initialRequeueMarks(job), ...(isTerminal(job.status) ? resultOwed(job.completed_at ?? job.updated_at) : {}) });
      return { created: true, job };
    } catch (err) {
      if ((err as { code?: number }).code !== 6 /* ALREADY_EXISTS */) throw err;
      const existing = await this.get(job.job_id);
      if (!existing) throw err;
      return { created: false, job: existing };
    }
  }

  async get(jobId: string): Promise<JobDocument | null> {
    const snap = await this.ref(jobId).get();
    return snap.exists ? fromFirestore(snap.data()!) : null;
  }

  private async read(tx: Transaction, jobId: string): Promise<JobDocument | null> {
    const snap = await tx.get(this.ref(jobId));
    return snap.exists ? fromFirestore(snap.data()!) : null;
  }

  async claim(spec: JobSpec, options: ClaimOptions): Promise<ClaimOutcome> {
    return this.db.runTransaction(async (tx) => {
      const now = new Date();
      const at = now.toISOString();
      const existing = await this.read(tx, spec.job_id);
      const job = existing ?? newJobDocument(spec, options.ttlDays, now);
      const decided = claimDecision(job, options, now);
      if (decided.decision === 'terminal' || decided.decision === 'busy') return { outcome: decided.decision, job };
      const write = (next: JobDocument, marks: DocumentData = {}) => writeJob(tx, this.ref(job.job_id), existing !== null, { ...toFirestore(next), ...marks });
      if (decided.decision === 'end') {
        assertTransition(job.job_id, job.status, decided.to);
        const final: JobDocument = { ...job, status: decided.to, error: decided.error, lease: null, completed_at: at, updated_at: at, progress: { stage: 'done', message: decided.to, updated_at: at } };
        write(final, resultOwed(at));
        return { outcome: 'ended', job: final };
      }
      // Reads come before writes in a transaction: the session's order is read now, nothing written if it says wait.
      const earlier = await earlierSessionJob(this.db, tx, JOBS_COLLECTION, job, fromFirestore);
      if (earlier) return { outcome: 'waiting', job, wait: { reason: 'session_order', earlier } };
      // The owner's concurrent_jobs quota (usage/concurrency-quota.ts): its slots are read now, taken with the claim.
      const slot = options.quotas ? await checkConcurrentJobs(this.db, tx, options.quotas, job, JOBS_COLLECTION) : undefined;
      if (slot?.wait) return { outcome: 'waiting', job, wait: slot.wait };
      // max_total_tokens capped at what remains of the owner's token quotas (usage/token-cap.ts); none left: it ends.
      const cap = options.quotas ? await tokenCapAtStart(this.db, options.quotas, job) : undefined;
      if (cap?.exhausted) {
        assertTransition(job.job_id, job.status, 'failed');
        const error = { code: 'budget_exceeded' as const, message: `the owner's token quota has no tokens left (QUOTAS); the job was not started` };
        const final: JobDocument = { ...job, status: 'failed', error, lease: null, completed_at: at, updated_at: at, progress: { stage: 'done', message: 'failed', updated_at: at } };
        write(final, resultOwed(at));
        return { outcome: 'ended', job: final };
      }
      if (job.status === 'queued') assertTransition(job.job_id, 'queued', 'processing');
      // Stamped after the reads: a claim is never dated before the end of the earlier job it waited for.
      const claimedAt = new Date();
      const claimAt = claimedAt.toISOString();
      const claimed: JobDocument = {
        ...job,
        status: 'processing',
        attempts: job.attempts + 1,
        lease: { holder: options.holder, expires_at: new Date(claimedAt.getTime() + options.leaseMs).toISOString() },
        started_at: job.started_at ?? claimAt,
        run_started_at: claimAt,
        updated_at: claimAt,
        progress: { stage: 'claimed', message: `claimed by ${options.holder} (attempt ${job.attempts + 1})`, updated_at: claimAt },
        ...(cap?.capped_by_quota ? { max_total_tokens: cap.max_total_tokens, max_total_tokens_capped: cap.capped_by_quota } : {}),
      };
      slot?.take();
      write(claimed);
      return { outcome: 'claimed', job: claimed };
    });
  }

  async renewLease(jobId: string, holder: string, leaseMs: number): Promise<boolean> {
    return this.db.runTransaction(async (tx) => {
      const job = await this.read(tx, jobId);
      if (!job || job.status !== 'processing' || job.lease?.holder !== holder) return false;
      const now = Date.now();
      tx.update(this.ref(jobId), { 'lease.expires_at': new Date(now + leaseMs).toISOString(), updated_at: new Date(now).toISOString() });
      return true;
    });
  }

  async releaseLease(jobId: string, holder: string, options: { givenBack?: boolean } = {}): Promise<void> {
    await this.db.runTransaction(async (tx) => {
      const job = await this.read(tx, jobId);
      if (!job || job.status !== 'processing' || job.lease?.holder !== holder) return;
      const at = new Date().toISOString();
      tx.update(this.ref(jobId), { 'lease.expires_at': at, updated_at: at, ...(options.givenBack ? { given_back: (job.given_back ?? 0) + 1 } : {}) });
    });
  }

  async requeueAt(jobId: string, at: Date): Promise<boolean> {
    return this.db.runTransaction(async (tx) => {
      const job = await this.read(tx, jobId);
      if (!job || job.status !== 'queued') return false;
      tx.update(this.ref(jobId), { requeue_at: at.toISOString() });
      return true;
    });
  }

  async setProgress(jobId: string, stage: ProgressStage, message: string, percent?: number, fence?: HolderFence): Promise<void> {
    const at = new Date().toISOString();
    const update = { progress: { stage, message, ...(percent === undefined ? {} : { percent }), updated_at: at }, updated_at: at };
    if (!fence) return void (await this.ref(jobId).update(update));
    // Fenced without a transaction (a run killed inside one would hold the document's lock): the
    // update applies only to the document as read, so a takeover in between makes it fail and look again.
    for (let tries = 0; ; tries++) {
      const snap = await this.heldSnapshot(jobId, fence);
      try {
        return void (await this.ref(jobId).update(update, { lastUpdateTime: snap.updateTime! }));
      } catch (err) {
        if ((err as { code?: number }).code !== 9 /* FAILED_PRECONDITION: changed since the read */ || tries >= 4) throw err;
      }
    }
  }

  /** The job as read now, when the fence's holder and attempt still run it; else NotHolderError. */
  private async heldSnapshot(jobId: string, fence: HolderFence): Promise<DocumentSnapshot> {
    const snap = await this.ref(jobId).get();
    if (!heldBy(snap.exists ? fromFirestore(snap.data()!) : null, fence)) throw new NotHolderError(jobId);
    return snap;
  }

  async finish(jobId: string, to: 'completed' | 'failed' | 'cancelled', patch: TerminalPatch, holder?: string, options: { reserveResult?: boolean; attempt?: number } = {}): Promise<JobDocument | null> {
    return this.db.runTransaction(async (tx) => {
      const job = await this.read(tx, jobId);
      if (!job || isTerminal(job.status)) return null;
      if (holder !== undefined && job.lease?.holder !== holder) return null;
      if (options.attempt !== undefined && job.attempts !== options.attempt) return null;
      assertTransition(jobId, job.status, to);
      const at = new Date().toISOString();
      const ended: JobDocument = {
        ...job,
        status: to,
        result: null,
        error: patch.error ?? null,
        lease: null,
        completed_at: at,
        updated_at: at,
        progress: { stage: 'done', message: to, updated_at: at },
      };
      // The result gets what the rest of the document leaves of Firestore's 1 MiB (result.json keeps it whole).
      const next: JobDocument = { ...ended, result: patch.result ? resultForDocument(patch.result, resultBudget(toFirestore(ended))) : (patch.result ?? job.result) };
      tx.set(this.ref(jobId), { ...toFirestore(next), ...resultOwed(at, options.reserveResult) });
      return next;
    });
  }

  async failDeadLettered(spec: JobSpec, message: string, ttlDays: number): Promise<JobDocument> {
    return this.db.runTransaction(async (tx) => {
      const existing = await this.read(tx, spec.job_id);
      const job = existing ?? newJobDocument(spec, ttlDays);
      if (isTerminal(job.status)) return job;
      // A live holder is running it (the dead letter was a duplicate's): the holder finishes it.
      if (job.status === 'processing' && job.lease && Date.parse(job.lease.expires_at) > Date.now()) return job;
      // Still waiting its turn in its session: it has not failed (docs/RELIABILITY.md, "Sessions in
      // order"). Its message is gone: the next sweep republishes it (stale_queued, due now).
      if (await earlierSessionJob(this.db, tx, JOBS_COLLECTION, job, fromFirestore)) {
        const due = new Date().toISOString();
        if (existing) tx.update(this.ref(job.job_id), { requeue_at: due });
        else tx.create(this.ref(job.job_id), { ...toFirestore(job), requeues: 0, requeue_at: due });
        return job;
      }
      if (job.status === 'queued') assertTransition(job.job_id, 'queued', 'processing');
      assertTransition(job.job_id, 'processing', 'failed');
      const at = new Date().toISOString();
      const next: JobDocument = {
        ...job,
        status: 'failed',
        error: { code: 'dead_lettered', message },
        lease: null,
        completed_at: at,
        updated_at: at,
        progress: { stage: 'done', message: 'failed', updated_at: at },
      };
      writeJob(tx, this.ref(job.job_id), existing !== null, { ...toFirestore(next), ...resultOwed(at) });
      return next;
    });
  }

  async cancel(jobId: string): Promise<CancelOutcome> {
    return this.db.runTransaction(async (tx) => {
      const job = await this.read(tx, jobId);
      if (!job) return { outcome: 'missing' };
      if (isTerminal(job.status)) return { outcome: 'terminal', job };
      const at = new Date().toISOString();
      // A queued job, or one whose holder's lease expired (the holder is gone): nobody will act on a request.
      const holderGone = job.status === 'processing' && (!job.lease || Date.parse(job.lease.expires_at) <= Date.now());
      if (job.status === 'queued' || holderGone) {
        assertTransition(jobId, job.status, 'cancelled');
        const next: JobDocument = { ...job, status: 'cancelled', cancel_requested: true, lease: null, completed_at: at, updated_at: at, progress: { stage: 'done', message: 'cancelled', updated_at: at } };
        tx.set(this.ref(jobId), { ...toFirestore(next), ...resultOwed(at) });
        return { outcome: 'cancelled', job: next };
      }
      const next: JobDocument = { ...job, cancel_requested: true, updated_at: at };
      tx.update(this.ref(jobId), { cancel_requested: true, updated_at: at });
      return { outcome: 'requested', job: next };
    });
  }

  watch(jobId: string, onChange: (job: JobDocument) => void): () => void {
    return this.ref(jobId).onSnapshot(
      (snap) => {
        if (snap.exists) onChange(fromFirestore(snap.data()!));
      },
      () => undefined, // a broken listener only loses cancel latency; the lease renewal still sees the job
    );
  }

  /**
   * Commits events in batches of at most EVENT_BATCH_WRITES writes and EVENT_BATCH_BYTES bytes. A batch
   * that fails is written again event by event, so one event Firestore refuses never loses the others
   * (the first error is thrown after every other event was tried).
   */
  async appendEvents(jobId: string, events: JobEvent[], fence?: HolderFence): Promise<void> {
    const expire_at = Timestamp.fromMillis(Date.now() + this.eventTtlDays * 86_400_000);
    const doc = (event: JobEvent) => this.ref(jobId).collection(EVENTS_COLLECTION).doc(eventDocId(event.seq));
    const groups = eventBatches(events);
    // Fenced: written only after a read shows this run still holds the job. Not in a transaction: a
    // run killed inside one would hold the job's lock against its own takeover (emulator: "Transaction
    // lock timeout"); what remains is the read-to-commit gap of one batch.
    if (fence) await this.heldSnapshot(jobId, fence);
    let firstError: unknown;
    for (const g of groups) {
      const batch = this.db.batch();
      for (const event of g) batch.set(doc(event), { ...event, expire_at });
      try {
        await batch.commit();
      } catch (err) {
        if (g.length === 1) {
          firstError ??= err;
          continue;
        }
        for (const event of g) await doc(event).set({ ...event, expire_at }).catch((e: unknown) => (firstError ??= e));
      }
    }
    if (firstError) throw firstError;
  }

  async lastEventSeq(jobId: string): Promise<number> {
    const snap = await this.ref(jobId).collection(EVENTS_COLLECTION).orderBy('seq', 'desc').limit(1).get();
    return snap.empty ? -1 : (snap.docs[0]!.get('seq') as number);
  }

  async listEvents(jobId: string, afterSeq: number, limit: number): Promise<JobEvent[]> {
    const snap = await this.ref(jobId).collection(EVENTS_COLLECTION).where('seq', '>', afterSeq).orderBy('seq').limit(limit).get();
    return snap.docs.map((d) => eventFromFirestore(d.data()));
  }

  async reserveResult(jobId: string, now = new Date()): Promise<JobDocument | null> {
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(this.ref(jobId));
      if (!snap.exists) return null;
      const data = snap.data()!;
      const job = fromFirestore(data);
      if (!isTerminal(job.status)) return null;
      const state = resultMarkState(data, now);
      // A due mark left beside a sent one (a release racing a confirmation) would keep the job in the sweeper's query.
      if (state === 'sent' && snap.get(RESULT_DUE_AT) !== undefined) tx.update(this.ref(jobId), { [RESULT_DUE_AT]: FieldValue.delete() });
      if (state !== 'due') return null;
      tx.update(this.ref(jobId), { [RESULT_DUE_AT]: reservedUntil(now) });
      return job;
    });
  }

  async releaseResult(jobId: string): Promise<void> {
    await this.db.runTransaction(async (tx) => {
      const snap = await tx.get(this.ref(jobId));
      if (snap.exists && !snap.get(RESULT_SENT_AT)) tx.update(this.ref(jobId), { [RESULT_DUE_AT]: new Date().toISOString() });
    });
  }

  async confirmResultSent(jobId: string): Promise<void> {
    await this.ref(jobId).update({ [RESULT_SENT_AT]: new Date().toISOString(), [RESULT_DUE_AT]: FieldValue.delete() });
  }

  async setCallback(jobId: string, callback: CallbackRecord): Promise<void> {
    await this.ref(jobId).update({ callback, updated_at: new Date().toISOString() });
  }
}

function heldBy(job: JobDocument | null, fence: HolderFence): boolean {
  return job !== null && job.status === 'processing' && job.lease?.holder === fence.holder && job.attempts === fence.attempt;
}

/** A job read in the transaction is replaced; one that was missing (created from its message) is created, so a racing create fails the transaction. */
function writeJob(tx: Transaction, ref: DocumentReference, exists: boolean, data: DocumentData): void {
  if (exists) tx.set(ref, data);
  else tx.create(ref, data);
}
