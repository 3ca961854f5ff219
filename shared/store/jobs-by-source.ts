// Queries of jobs by where they came from (storage-trigger cancels the jobs of a deleted object).
import type { Firestore } from '@google-cloud/firestore';
import { JOBS_COLLECTION } from './firestore-job-store.js';

const LIVE_STATUSES = ['queued', 'processing'];

/** Ids of the queued or processing jobs whose source_ref is exactly `sourceRef`. */
export async function liveJobIdsBySourceRef(db: Firestore, sourceRef: string): Promise<string[]> {
  const snap = await db.collection(JOBS_COLLECTION).where('source_ref', '==', sourceRef).where('status', 'in', LIVE_STATUSES).select().get();
  return snap.docs.map((d) => d.id);
}
