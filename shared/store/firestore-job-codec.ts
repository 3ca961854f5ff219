// How a job and its events are stored in Firestore (and read back): the collections, the stored
// shapes (expire_at as a Timestamp for the TTL policy, prompt_preview beside the prompt), the event
// ids and how events are cut into batch commits.
import { Timestamp, type DocumentData } from '@google-cloud/firestore';
import { jobDocumentSchema, type JobDocument, type JobEvent } from '../jobs/job-document.js';
import { promptPreview } from '../jobs/job-summary.js';
import { pushLaneOf } from '../jobs/job-lane.js';
import type { Priority } from '../jobs/job-request.js';

export const JOBS_COLLECTION = 'jobs';
export const EVENTS_COLLECTION = 'events';
/** Writes per events batch commit (Firestore allows 500). */
export const EVENT_BATCH_WRITES = 400;
/** Bytes per events batch commit (Firestore allows 10 MiB per request). */
export const EVENT_BATCH_BYTES = 4 * 1024 * 1024;

export function eventDocId(seq: number): string {
  return String(seq).padStart(10, '0');
}

/**
 * expire_at is stored as a Timestamp so the TTL policy can act on it; callers see ISO strings.
 * prompt_preview is stored beside the prompt so GET /jobs can select it without reading the prompt.
 */
export function toFirestore(job: JobDocument): DocumentData {
  return { ...job, prompt_preview: promptPreview(job.prompt), expire_at: Timestamp.fromDate(new Date(job.expire_at)) };
}

/** Defaults for documents written before a field existed, and expire_at back to an ISO string. */
export function normalized(data: DocumentData): DocumentData {
  const expire = data.expire_at instanceof Timestamp ? data.expire_at.toDate().toISOString() : data.expire_at;
  // Documents written before lanes existed ran on the push lanes.
  return { cancel_requested: false, lane: pushLaneOf(data.priority as Priority), ...data, expire_at: expire };
}

export function fromFirestore(data: DocumentData): JobDocument {
  return jobDocumentSchema.parse(normalized(data));
}

/** An event as clients see it: {seq, type, at, data} (the TTL field stays in the database). */
export function eventFromFirestore(data: DocumentData): JobEvent {
  return { seq: data.seq as number, type: data.type as string, at: data.at as string, data: (data.data ?? {}) as Record<string, unknown> };
}

/** Events cut into batch commits within Firestore's limits (EVENT_BATCH_WRITES, EVENT_BATCH_BYTES), in order. */
export function eventBatches(events: JobEvent[]): JobEvent[][] {
  const groups: JobEvent[][] = [];
  let group: JobEvent[] = [];
  let bytes = 0;
  for (const event of events) {
    const size = Buffer.byteLength(JSON.stringify(event));
    if (group.length && (group.length >= EVENT_BATCH_WRITES || bytes + size > EVENT_BATCH_BYTES)) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(event);
    bytes += size;
  }
  if (group.length) groups.push(group);
  return groups;
}
