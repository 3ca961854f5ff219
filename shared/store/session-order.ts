// A session's jobs run one at a time, in creation order, whatever lane each one is on: a job may
// start only when no earlier job of its owner's session is still queued or processing. Earlier means
// created before it (created_at; equal times: the smaller job_id), so the earliest waiting job is
// never blocked by a later one and a session never deadlocks. Read inside the claim's transaction,
// so two lanes cannot both see "nothing earlier" and start side by side.
import type { DocumentData, Firestore, Transaction } from '@google-cloud/firestore';
import type { JobDocument } from '../jobs/job-document.js';

/** The composite index the query needs (firestore.indexes.json; checked by a unit test). */
export const SESSION_ORDER_INDEX: [string, 'ASCENDING'][] = [
  ['owner', 'ASCENDING'],
  ['session_id', 'ASCENDING'],
  ['status', 'ASCENDING'],
  ['created_at', 'ASCENDING'],
];

export function isEarlier(a: Pick<JobDocument, 'created_at' | 'job_id'>, b: Pick<JobDocument, 'created_at' | 'job_id'>): boolean {
  return a.created_at < b.created_at || (a.created_at === b.created_at && a.job_id < b.job_id);
}

/** The earliest non-terminal job of `job`'s session created before it, or null (also for a job without a session). */
export async function earlierSessionJob(db: Firestore, tx: Transaction, collection: string, job: JobDocument, parse: (data: DocumentData) => JobDocument): Promise<JobDocument | null> {
  if (!job.session_id) return null;
  const query = db
    .collection(collection)
    .where('owner', '==', job.owner)
    .where('session_id', '==', job.session_id)
    .where('status', 'in', ['queued', 'processing'])
    .where('created_at', '<=', job.created_at)
    .orderBy('created_at')
    // Ties on created_at come in document-id (job_id) order: two rows settle it, whoever they are.
    .limit(2);
  const snap = await tx.get(query);
  for (const doc of snap.docs) {
    const other = parse(doc.data());
    if (other.job_id !== job.job_id && isEarlier(other, job)) return other;
  }
  return null;
}
