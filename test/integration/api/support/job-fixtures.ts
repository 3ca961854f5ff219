// Jobs for API tests: a valid request, seeded documents, and the processor's side of a job played
// through the real store (claim, events, finish), so the API sees what a running job looks like.
import type { Firestore } from '@google-cloud/firestore';
import { newJobDocument, type JobDocument, type JobEvent, type JobResult } from '../../../../shared/jobs/job-document.js';
import type { JobStore } from '../../../../shared/store/job-store.js';
import { JOBS_COLLECTION, toFirestore } from '../../../../shared/store/firestore-job-store.js';
import type { Priority } from '../../../../shared/jobs/job-request.js';
import type { JobSource } from '../../../../shared/jobs/job-document.js';
import { jobSpec } from '../../../support/job-spec.js';

export function seededJob(owner: string, fields: Partial<{ priority: Priority; source: JobSource; created_at: string; job_id: string }> = {}): JobDocument {
  return newJobDocument(jobSpec({ owner, prompt: 'seeded', ...fields }), 30);
}

/** Writes documents as the store does (toFirestore), in batches of 400. */
export async function seedJobs(db: Firestore, jobs: JobDocument[]): Promise<void> {
  for (let i = 0; i < jobs.length; i += 400) {
    const batch = db.batch();
    for (const job of jobs.slice(i, i + 400)) batch.create(db.collection(JOBS_COLLECTION).doc(job.job_id), toFirestore(job));
    await batch.commit();
  }
}

export async function claimJob(store: JobStore, job: JobDocument): Promise<JobDocument> {
  const outcome = await store.claim(job, { holder: 'test-processor', leaseMs: 60_000, maxAttempts: 3, ttlDays: 30 });
  if (outcome.outcome !== 'claimed') throw new Error(`claim: ${outcome.outcome}`);
  return outcome.job;
}

export function jobEvents(from: number, count: number, type = 'item'): JobEvent[] {
  return Array.from({ length: count }, (_, i) => ({ seq: from + i, type, at: new Date().toISOString(), data: { n: from + i } }));
}

/** The result of a finished one-line job with no outputs. */
export function completedResult(overrides: Partial<JobResult> = {}): JobResult {
  return {
    exit_code: 0,
    final_message: 'done',
    stdout: '',
    stderr: '',
    execution_time_ms: 5,
    output_files: [],
    created_files: [],
    usage: { input_tokens: 1, cached_input_tokens: 0, output_tokens: 1, reasoning_output_tokens: 0, total_tokens: 2 },
    thread_id: null,
    ...overrides,
  };
}

export async function completeJob(store: JobStore, jobId: string): Promise<JobDocument> {
  const done = await store.finish(jobId, 'completed', { result: completedResult() });
  if (!done) throw new Error('finish refused');
  return done;
}
