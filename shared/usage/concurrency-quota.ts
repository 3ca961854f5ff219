// concurrent_jobs: an owner's further jobs wait (the claim's `waiting` outcome: the delivery is
// answered for a redelivery and no attempt is counted) while the owner already runs its quota.
// Counted in Firestore inside the claim's transaction, on one slots document per owner
// (`usage_slots/{sha256(owner)}`, the job ids holding a slot), so claims on any number of instances
// serialise on it. A slot frees itself: each claim re-reads the holders' job documents and keeps only
// those still `processing`, so an ended, cancelled or crashed-and-ended job needs no release hook.
import type { DocumentData, DocumentReference, Firestore, Transaction } from '@google-cloud/firestore';
import { quotasFor, type Quotas } from './quotas.js';
import { ownerKey } from './usage-day.js';

export const USAGE_SLOTS_COLLECTION = 'usage_slots';

export interface ConcurrencyCheck {
  /** Set when the job must wait: the quota and the jobs holding its slots. */
  wait?: { reason: 'concurrent_jobs'; limit: number; running: string[] };
  /** Takes the slot; call it with the claim's other writes (a transaction writes after all its reads). */
  take(): void;
}

const NOTHING: ConcurrencyCheck = { take: () => undefined };

/**
 * Reads, in the claim's transaction, whether the owner may start one more job. Call it after the
 * claim's other reads and before its writes; when it answers `wait`, write nothing and return the
 * claim outcome `waiting`; else call take() with the claim's writes.
 */
export async function checkConcurrentJobs(
  db: Firestore,
  tx: Transaction,
  quotas: Quotas,
  job: { job_id: string; owner: string },
  jobsCollection = 'jobs',
): Promise<ConcurrencyCheck> {
  const limit = quotasFor(quotas, job.owner).concurrent_jobs;
  if (!limit) return NOTHING;
  const slotsRef: DocumentReference<DocumentData> = db.collection(USAGE_SLOTS_COLLECTION).doc(ownerKey(job.owner));
  const slots = await tx.get(slotsRef);
  const held = ((slots.data()?.running as string[] | undefined) ?? []).filter((id) => id !== job.job_id);
  const holders = held.length ? await tx.getAll(...held.map((id) => db.collection(jobsCollection).doc(id))) : [];
  const running = holders.filter((s) => s.exists && s.data()?.status === 'processing').map((s) => s.id);
  if (running.length >= limit) return { wait: { reason: 'concurrent_jobs', limit, running }, take: () => undefined };
  return { take: () => void tx.set(slotsRef, { owner: job.owner, running: [...running, job.job_id], updated_at: new Date().toISOString() }) };
}
