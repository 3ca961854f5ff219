// webhook_deliveries/{job_id}: the claim that makes a job's webhook one logical delivery, however
// often its codex-results message arrives. One holder at a time owns a pending delivery under a
// lease (renewed before each attempt); an expired lease is taken over and the schedule continues
// from the attempts already made. Every change happens in a transaction that checks the holder.
import { Timestamp, type DocumentReference, type Firestore } from '@google-cloud/firestore';
import { z } from 'zod';
import { leaseSchema } from '../jobs/job-document.js';
import type { AttemptRecord } from './deliver.js';

export const DELIVERIES_COLLECTION = 'webhook_deliveries';

/** `failing`: the attempts are over and the dead-letter publish is still to happen. */
export const DELIVERY_STATES = ['pending', 'failing', 'delivered', 'failed'] as const;

export const deliveryRecordSchema = z.object({
  job_id: z.string(),
  webhook_id: z.string(),
  state: z.enum(DELIVERY_STATES),
  attempts: z.number().int(),
  last_status: z.number().int().nullable(),
  last_error: z.string().nullable(),
  last_attempt_at: z.string().nullable(),
  delivered_at: z.string().nullable(),
  lease: leaseSchema.nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type DeliveryRecord = z.infer<typeof deliveryRecordSchema>;

export type DeliveryClaim =
  | { outcome: 'claimed'; record: DeliveryRecord }
  /** another holder works on it under a live lease */
  | { outcome: 'busy'; record: DeliveryRecord }
  /** delivered or failed already */
  | { outcome: 'done'; record: DeliveryRecord };

/** delivered or failed: nothing more will be sent. */
export const isFinal = (state: DeliveryRecord['state']) => state === 'delivered' || state === 'failed';

export class FirestoreDeliveryStore {
  constructor(
    readonly db: Firestore,
    /** Days until the TTL policy may drop a record (same horizon as the job). */
    readonly ttlDays: number,
  ) {}

  ref(jobId: string): DocumentReference {
    return this.db.collection(DELIVERIES_COLLECTION).doc(jobId);
  }

  async get(jobId: string): Promise<DeliveryRecord | null> {
    const snap = await this.ref(jobId).get();
    return snap.exists ? deliveryRecordSchema.parse(snap.data()) : null;
  }

  async claim(jobId: string, webhookId: string, holder: string, leaseMs: number): Promise<DeliveryClaim> {
    return this.db.runTransaction(async (tx) => {
      const ref = this.ref(jobId);
      const snap = await tx.get(ref);
      const now = new Date();
      const lease = { holder, expires_at: new Date(now.getTime() + leaseMs).toISOString() };
      if (!snap.exists) {
        const record: DeliveryRecord = {
          job_id: jobId,
          webhook_id: webhookId,
          state: 'pending',
          attempts: 0,
          last_status: null,
          last_error: null,
          last_attempt_at: null,
          delivered_at: null,
          lease,
          created_at: now.toISOString(),
          updated_at: now.toISOString(),
        };
        tx.create(ref, { ...record, expire_at: Timestamp.fromMillis(now.getTime() + this.ttlDays * 86_400_000) });
        return { outcome: 'claimed', record };
      }
      const current = deliveryRecordSchema.parse(snap.data());
      if (isFinal(current.state)) return { outcome: 'done', record: current };
      if (current.lease && current.lease.holder !== holder && Date.parse(current.lease.expires_at) > now.getTime()) {
        return { outcome: 'busy', record: current };
      }
      const record: DeliveryRecord = { ...current, lease, updated_at: now.toISOString() };
      tx.update(ref, { lease, updated_at: record.updated_at });
      return { outcome: 'claimed', record };
    });
  }

  /** Applies a change while `holder` still owns the pending delivery; false when it does not. */
  private async whileHolding(jobId: string, holder: string, change: (current: DeliveryRecord, now: Date) => Partial<DeliveryRecord>): Promise<boolean> {
    return this.db.runTransaction(async (tx) => {
      const ref = this.ref(jobId);
      const snap = await tx.get(ref);
      if (!snap.exists) return false;
      const current = deliveryRecordSchema.parse(snap.data());
      if (isFinal(current.state) || current.lease?.holder !== holder) return false;
      const now = new Date();
      tx.update(ref, { ...change(current, now), updated_at: now.toISOString() });
      return true;
    });
  }

  renew(jobId: string, holder: string, leaseMs: number): Promise<boolean> {
    return this.whileHolding(jobId, holder, (_current, now) => ({ lease: { holder, expires_at: new Date(now.getTime() + leaseMs).toISOString() } }));
  }

  /** Records an attempt; a 2xx ends the delivery, the other final verdicts move it to `failing`. */
  recordAttempt(jobId: string, holder: string, attempt: AttemptRecord): Promise<boolean> {
    return this.whileHolding(jobId, holder, () => ({
      attempts: attempt.attempt,
      last_status: attempt.status,
      last_error: attempt.error,
      last_attempt_at: attempt.at,
      ...(attempt.verdict === 'delivered'
        ? { state: 'delivered' as const, delivered_at: attempt.at, lease: null }
        : attempt.verdict === 'retry'
          ? {}
          : { state: 'failing' as const }),
    }));
  }

  /** Moves a delivery to `failing` without an attempt (e.g. no secret to sign with). */
  markFailing(jobId: string, holder: string, error: string): Promise<boolean> {
    return this.whileHolding(jobId, holder, () => ({ state: 'failing', last_error: error }));
  }

  /** `failing` → `failed`, once the payload is on the dead-letter topic. */
  markFailed(jobId: string, holder: string): Promise<boolean> {
    return this.whileHolding(jobId, holder, () => ({ state: 'failed', lease: null }));
  }
}
