// Queue statistics from Firestore count() aggregations (one index lookup each, no document reads
// beyond the aggregation's billing of one read per 1000 entries), run in parallel.
import type { Firestore, Query } from '@google-cloud/firestore';
import { JOB_SOURCES } from '../jobs/job-document.js';
import { PRIORITIES } from '../jobs/job-request.js';
import { JOB_STATUSES } from '../jobs/job-status.js';
import { JOBS_COLLECTION } from '../store/firestore-job-store.js';
import type { QueueStats } from './api-schemas.js';

async function count(q: Query): Promise<number> {
  return (await q.count().get()).data().count;
}

async function countsBy<T extends string>(base: Query, field: string, values: readonly T[]): Promise<Record<T, number>> {
  const counts = await Promise.all(values.map((v) => count(base.where(field, '==', v))));
  return Object.fromEntries(values.map((v, i) => [v, counts[i]!])) as Record<T, number>;
}

/** Counts of every job (owner undefined: an admin) or of one owner's jobs. */
export async function queueStats(db: Firestore, owner: string | undefined): Promise<QueueStats> {
  const all: Query = db.collection(JOBS_COLLECTION);
  const base = owner === undefined ? all : all.where('owner', '==', owner);
  const [total, by_status, by_priority, by_source] = await Promise.all([
    count(base),
    countsBy(base, 'status', JOB_STATUSES),
    countsBy(base, 'priority', PRIORITIES),
    countsBy(base, 'source', JOB_SOURCES),
  ]);
  return { scope: owner === undefined ? 'all' : 'owner', owner: owner ?? null, total, by_status, by_priority, by_source, generated_at: new Date().toISOString() };
}
