// The largest request the API accepts, ended with the largest result a run can produce (texts far
// past their caps, thousands of created and changed files with long paths, structured_output at its
// cap), still fits Firestore's 1 MiB document: the job completes instead of failing on its own size.
// Before the document's result was fitted to the room the request leaves, this came to about 1.4 MB.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FIRESTORE_MAX_DOCUMENT_BYTES, firestoreSize, MAX_STORED_REQUEST_BYTES } from '../../../shared/jobs/firestore-limits.js';
import { newJobDocument, specFromRequest, type CreatedFile, type JobResult } from '../../../shared/jobs/job-document.js';
import { jobRequestSchema } from '../../../shared/jobs/job-request.js';
import { DOC_STRUCTURED_OUTPUT_BYTES } from '../../../shared/store/document-limits.js';
import { JOBS_COLLECTION } from '../../../shared/store/firestore-job-store.js';
import type { ChangedFile } from '../../../shared/workspace/workspace-schemas.js';
import { claimOptions, result, storeUnderTest } from './store-fixtures.js';

const { store, env } = storeUnderTest();
const WIDE = '界'; // 3 UTF-8 bytes in one UTF-16 unit: the most bytes per character a limit in characters allows

/** The largest request JobRequest accepts: every field at its limit, output_schema filling what the rest leaves. */
function largestRequest(): Record<string, unknown> {
  const metadata = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`${String(i).padStart(2, '0')}${WIDE.repeat(62)}`, WIDE.repeat(1024)]));
  const base = { prompt: WIDE.repeat(100_000), metadata, callback_url: `https://example.com/${'a'.repeat(2000)}`, session_id: 's'.repeat(64), max_total_tokens: 1_000_000, timeout_ms: 480_000 };
  const used = firestoreSize(base) + 'output_schema'.length + 1 + firestoreSize({ type: 'object', description: '' });
  return { ...base, output_schema: { type: 'object', description: WIDE.repeat(Math.floor((MAX_STORED_REQUEST_BYTES - used) / 3) - 16) } };
}

function longPath(i: number): string {
  return `src/${WIDE.repeat(80)}/${String(i).padStart(5, '0')}-${WIDE.repeat(80)}.ts`;
}

/** The largest result: texts 1 M characters each, 2000 created files, 5000 changed files (renames: two paths each). */
function largestResult(bucket: string, jobId: string): JobResult {
  const created: CreatedFile[] = Array.from({ length: 2000 }, (_, i) => ({ filename: longPath(i), size_bytes: 1000, content_type: 'text/x-typescript', storage_path: `gs://${bucket}/jobs/${jobId}/outputs/${longPath(i)}` }));
  const files: ChangedFile[] = Array.from({ length: 5000 }, (_, i) => ({ path: longPath(i), change: 'renamed', old_path: longPath(i + 10_000), size_bytes: 1000 }));
  return result({
    final_message: WIDE.repeat(1_000_000),
    stdout: WIDE.repeat(1_000_000),
    stderr: WIDE.repeat(1_000_000),
    structured_output: { text: 'z'.repeat(DOC_STRUCTURED_OUTPUT_BYTES - 32) },
    created_files: created,
    output_files: created.map((f) => f.filename),
    changes: { base: { kind: 'git', commit: 'a'.repeat(40), url: 'https://example.com/r.git', ref: 'main' }, files, stats: { files_changed: files.length, insertions: 99_999, deletions: 99_999 }, patch_path: `gs://${bucket}/jobs/${jobId}/changes.patch`, truncated: false },
  });
}

describe('the largest job fits its document', () => {
  it('the largest accepted request ended with the largest result completes, within 1 MiB', async () => {
    const parsed = jobRequestSchema(480_000).parse(largestRequest());
    const job = newJobDocument(specFromRequest(parsed, { job_id: 'largest-job-doc', owner: 'alice', source: 'http', source_ref: null, lane: 'normal' }), 30);
    assert.ok(firestoreSize(job) > 600_000, `the request is near its limit (${firestoreSize(job)} bytes)`);
    await store().create(job);
    assert.equal((await store().claim(job, claimOptions('proc-big'))).outcome, 'claimed');

    const full = largestResult('outputs', job.job_id);
    const done = await store().finish(job.job_id, 'completed', { result: full, error: null }, 'proc-big');
    assert.ok(done, 'the terminal write went through');
    const snap = await env().firestore.collection(JOBS_COLLECTION).doc(job.job_id).get();
    const size = firestoreSize(snap.data()) + job.job_id.length + 1 + 32 + JOBS_COLLECTION.length + 1;
    assert.ok(size <= FIRESTORE_MAX_DOCUMENT_BYTES, `the stored document takes ${size} bytes`);
    const stored = await store().get(job.job_id);
    assert.equal(stored?.status, 'completed');
    assert.equal(stored?.prompt, job.prompt, 'the request is kept whole');
    const r = stored!.result!;
    assert.equal(r.changes?.truncated, true, 'the changed-file list is cut, and says so');
    assert.equal(r.changes?.stats.files_changed, 5000, 'stats still count every changed file');
    assert.ok(r.changes!.files.length > 0 && r.changes!.files.length < 5000);
    assert.deepEqual(r.changes!.files, full.changes!.files.slice(0, r.changes!.files.length), 'a prefix of the list, in order');
    assert.equal(r.created_files_total, 2000);
    assert.ok(r.created_files.length > 0 && r.created_files.length <= 200);
    for (const text of [r.stdout, r.stderr, r.final_message]) assert.match(text, /…\[cut: \d+ more characters in result\.json\]$/);
  });
});
