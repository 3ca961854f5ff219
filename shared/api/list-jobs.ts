// Listing jobs: newest first (created_at desc, document id desc as the tie-break), filtered by
// owner (unless admin), status, priority and source, paged by an opaque cursor. Every filter
// combination has its composite index in firestore.indexes.json (see listIndexFields). Each job is
// listed as a summary (jobs/job-summary.ts), read through a field mask and streamed.
import { FieldPath, type DocumentData, type Firestore, type Query, type QueryDocumentSnapshot } from '@google-cloud/firestore';
import { z } from 'zod';
import type { JobDocument } from '../jobs/job-document.js';
import { JOB_ID_PATTERN } from '../jobs/job-id.js';
import { jobSummarySchema, promptPreview, SUMMARY_FIELD_MASK, type JobSummary } from '../jobs/job-summary.js';
import { JOBS_COLLECTION, normalized } from '../store/firestore-job-store.js';
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

/** What an old document (written before prompt_preview was stored) previews: its prompt, read alone. */
async function storedPromptPreview(db: Firestore, jobId: string): Promise<string> {
  const [snap] = await db.getAll(db.collection(JOBS_COLLECTION).doc(jobId), { fieldMask: ['prompt'] });
  const prompt: unknown = snap?.get('prompt');
  return promptPreview(typeof prompt === 'string' ? prompt : '');
}

/**
 * Streams the page's summaries to `emit`, one at a time, and resolves to its next_cursor. The query
 * selects SUMMARY_FIELD_MASK, so the prompt, output_schema and result texts never reach this process,
 * and it is read as a stream: `emit` pausing (a slow client) pauses the read.
 */
export async function listJobs(db: Firestore, owner: string | undefined, query: ListQuery, emit: (job: JobSummary) => Promise<void>): Promise<string | null> {
  const filters: Filters = { owner, status: query.status, priority: query.priority, source: query.source };
  let q: Query = db.collection(JOBS_COLLECTION);
  for (const field of listIndexFields(filters)) q = q.where(field, '==', filters[field]);
  q = q.orderBy('created_at', 'desc').orderBy(FieldPath.documentId(), 'desc');
  if (query.cursor) q = q.startAfter(...decodeCursor(query.cursor));
  const docs = q
    .select(...SUMMARY_FIELD_MASK)
    .limit(query.limit + 1)
    .stream() as AsyncIterable<QueryDocumentSnapshot>;
  let count = 0;
  let last: JobSummary | undefined;
  for await (const doc of docs) {
    if (count === query.limit) return last ? encodeCursor(last) : null;
    const data = doc.data();
    const preview = typeof data.prompt_preview === 'string' ? data.prompt_preview : await storedPromptPreview(db, doc.id);
    last = summaryFromFirestore(data, preview);
    await emit(last);
    count++;
  }
  return null;
}

/** A document read through SUMMARY_FIELD_MASK (a null result has no selected subfield, so it comes back absent). */
function summaryFromFirestore(data: DocumentData, preview: string): JobSummary {
  return jobSummarySchema.parse({ result: null, ...normalized(data), prompt_preview: preview });
}
