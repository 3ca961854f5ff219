// Shared set-up of the store integration tests: one emulator project per file, specs and documents.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { newJobDocument, type JobDocument, type JobResult, type JobSpec } from '../../../shared/jobs/job-document.js';
import { FirestoreJobStore } from '../../../shared/store/firestore-job-store.js';
import type { ClaimOptions } from '../../../shared/store/job-store.js';
import { jobSpec } from '../../support/job-spec.js';
import { testEnv, type TestEnv } from '../../support/test-env.js';

/** Registers before/after hooks giving the file its own project and store. */
export function storeUnderTest(): { env: () => TestEnv; store: () => FirestoreJobStore } {
  let env: TestEnv | undefined;
  let store: FirestoreJobStore | undefined;
  before(async () => {
    env = await testEnv();
    store = new FirestoreJobStore(env.firestore);
  });
  after(async () => {
    await env?.close();
  });
  return { env: () => env!, store: () => store! };
}

export function spec(overrides: Partial<JobSpec> = {}): JobSpec {
  return jobSpec({ metadata: { team: 'store-tests' }, ...overrides });
}

export function queuedDoc(overrides: Partial<JobSpec> = {}): JobDocument {
  return newJobDocument(spec(overrides), 30);
}

/** A processing document whose lease expired `agoMs` ago (its holder died), after `attempts` claims. */
export function abandonedDoc(attempts: number, extra: Partial<JobDocument> = {}, agoMs = 60_000): JobDocument {
  const doc = queuedDoc();
  const past = new Date(Date.now() - agoMs).toISOString();
  return { ...doc, status: 'processing', attempts, started_at: past, lease: { holder: 'dead-processor', expires_at: past }, ...extra };
}

export function claimOptions(holder: string, overrides: Partial<ClaimOptions> = {}): ClaimOptions {
  return { holder, leaseMs: 60_000, maxAttempts: 3, ttlDays: 30, ...overrides };
}

export function result(overrides: Partial<JobResult> = {}): JobResult {
  return {
    exit_code: 0,
    final_message: 'Done.',
    stdout: 'ran 1 command',
    stderr: '',
    execution_time_ms: 1234,
    output_files: ['result.md'],
    created_files: [{ filename: 'result.md', size_bytes: 5, content_type: 'text/markdown', storage_path: 'gs://b/jobs/x/outputs/result.md' }],
    usage: { input_tokens: 80, cached_input_tokens: 0, output_tokens: 20, reasoning_output_tokens: 0, total_tokens: 100 },
    thread_id: 'thr_1',
    ...overrides,
  };
}

/** A queued job created and claimed by `holder`: the processing job a terminal move starts from. */
export async function processingJob(store: FirestoreJobStore, holder = 'proc-a'): Promise<JobDocument> {
  const doc = queuedDoc();
  await store.create(doc);
  const c = await store.claim(doc, claimOptions(holder));
  assert.equal(c.outcome, 'claimed');
  return c.job;
}
