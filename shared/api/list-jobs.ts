// Listing jobs: newest first (created_at desc, document id desc as the tie-break), filtered by
// owner (unless admin), status, priority and source, paged by an opaque cursor. Every filter
// combination has its composite index in firestore.indexes.json (see listIndexFields).
import { FieldPath, type Firestore, type Query } from '@google-cloud/firestore';
import { z } from 'zod';
import type { JobDocument } from '../jobs/job-document.js';
import { JOB_ID_PATTERN } from '../jobs/job-id.js';
import { fromFirestore, JOBS_COLLECTION } from '../store/firestore-job-store.js';
import { ApiError } from './api-error.js';
import type { ListQuery } from './api-schemas.js';

export const LIST_FILTER_FIELDS = ['owner', 'status', 'priority', 'source'] as const;
type Filters = Partial<Record<(typeof LIST_FILTER_FIELDS)[number], string>>;

// Both parts go into a Firestore startAfter: a job id must be a job id (a `/` would name a path and
// make Firestore throw), and created_at an ISO time.
const cursorSchema = z.tuple([z.iso.datetime({ offset: false }), z.string().regex(JOB_ID_PATTERN)]);

export function encodeCursor(job: Pick<JobDocument, 'created_at' | 'job_id'>): string {
  return Buffer.from(JSON.stringify([job.created_at, job.job_id])).toString('base64url');
}

export function decodeCursor(cursor: string): [string, string] {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new ApiError('bad_request', 'cursor is not a next_cursor this API returned', [{ field: 'query.cursor', message: 'not a valid cursor' }]);
  }
}

/** The equality fields a query uses, in index order: what its composite index must start with. */
export function listIndexFields(filters: Filters): (typeof LIST_FILTER_FIELDS)[number][] {
  return LIST_FILTER_FIELDS.filter((f) => filters[f] !== undefined);
}

export async function listJobs(db: Firestore, owner: string | undefined, query: ListQuery): Promise<{ jobs: JobDocument[]; next_cursor: string | null }> {
  const filters: Filters = { owner, status: query.status, priority: query.priority, source: query.source };
  let q: Query = db.collection(JOBS_COLLECTION);
  for (const field of listIndexFields(filters)) q = q.where(field, '==', filters[field]);
  q = q.orderBy('created_at', 'desc').orderBy(FieldPath.documentId(), 'desc');
  if (query.cursor) q = q.startAfter(...decodeCursor(query.cursor));
  const snap = await q.limit(query.limit + 1).get();
  const jobs = snap.docs.slice(0, query.limit).map((d) => fromFirestore(d.data()));
  const last = jobs.at(-1);
  return { jobs, next_cursor: snap.docs.length > query.limit && last ? encodeCursor(last) : null };
}
