// GET /jobs/{id}/changes (409 while the job runs, then result.changes), GET /jobs/{id}/changes.patch
// (text/x-diff, streamed), POST /jobs/{id}/rerun (a new job: same request and workspace input,
// metadata.rerun_of, Idempotency-Key honoured). All three are 404 for another owner.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { JobDocument } from '../../../shared/jobs/job-document.js';
import type { Changes } from '../../../shared/workspace/workspace-schemas.js';
import { claimJob, completedResult } from './support/job-fixtures.js';
import { startApi, KEYS, type ApiServer } from './support/api-server.js';
import { assertResponsesMatchDocument } from './support/openapi-conformance.js';

let api: ApiServer;
before(async () => {
  api = await startApi();
  await api.env.storage.createBucket(api.env.config.RESULTS_BUCKET);
});
after(() => api.close());

const patchText = 'diff --git a/a.txt b/a.txt\nindex 5626abf..f719efd 100644\n--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-one\n+two\n';

function changesOf(jobId: string, files: Changes['files']): Changes {
  return {
    base: { kind: 'upload', commit: 'a'.repeat(40) },
    files,
    stats: { files_changed: files.length, insertions: 1, deletions: 1 },
    patch_path: `gs://${api.env.config.OUTPUTS_BUCKET}/jobs/${jobId}/changes.patch`,
    truncated: false,
  };
}

async function finishedJob(request: Record<string, unknown>, changes?: (jobId: string) => Changes): Promise<JobDocument> {
  const submitted = await api.call<{ job_id: string }>('POST', '/jobs', { body: request });
  assert.equal(submitted.status, 202, submitted.text);
  const jobId = submitted.body.job_id;
  const running = await claimJob(api.store, (await api.store.get(jobId))!);
  const busy = await api.call('GET', `/jobs/${jobId}/changes`);
  assert.equal(busy.status, 409, 'not terminal yet');
  assert.equal((await api.call('GET', `/jobs/${jobId}/changes.patch`)).status, 409);
  const c = changes?.(jobId);
  if (c) await api.env.storage.bucket(api.env.config.OUTPUTS_BUCKET).file(`jobs/${jobId}/changes.patch`).save(patchText, { resumable: false, contentType: 'text/x-diff' });
  const done = await api.store.finish(jobId, 'completed', { result: completedResult({ changes: c ?? null }) }, running.lease!.holder);
  assert.ok(done);
  return done;
}

test('changes and changes.patch of a finished job; 404 for another owner and for a job without changes', async () => {
  const job = await finishedJob({ prompt: 'change a.txt' }, (id) => changesOf(id, [{ path: 'a.txt', change: 'modified', size_bytes: 4 }]));
  const changes = await api.call<Changes>('GET', `/jobs/${job.job_id}/changes`);
  assert.equal(changes.status, 200, changes.text);
  assert.deepEqual(changes.body, job.result!.changes);
  const patch = await api.call<string>('GET', `/jobs/${job.job_id}/changes.patch`);
  assert.equal(patch.status, 200);
  assert.match(patch.headers.get('content-type') ?? '', /^text\/x-diff/);
  assert.equal(patch.text, patchText);
  for (const path of ['changes', 'changes.patch']) assert.equal((await api.call('GET', `/jobs/${job.job_id}/${path}`, { key: KEYS.bob })).status, 404, `${path} for bob`);
  assert.equal((await api.call('GET', `/jobs/${job.job_id}/changes`, { key: KEYS.root })).status, 200, 'an admin sees it');
  const none = await finishedJob({ prompt: 'no changes recorded' });
  assert.equal((await api.call('GET', `/jobs/${none.job_id}/changes`)).status, 404);
});

test('a cut file list in the document: GET /changes answers the whole list from result.json', async () => {
  const files = Array.from({ length: 3 }, (_, i) => ({ path: `f${i}.txt`, change: 'added' as const, size_bytes: 1 }));
  const job = await finishedJob({ prompt: 'many files' }, (id) => ({ ...changesOf(id, files.slice(0, 1)), stats: { files_changed: 3, insertions: 3, deletions: 0 }, truncated: true }));
  const full = { ...job.result!.changes!, files };
  await api.env.storage.bucket(api.env.config.RESULTS_BUCKET).file(`jobs/${job.job_id}/result.json`).save(JSON.stringify({ result: { changes: full } }), { resumable: false });
  const res = await api.call<Changes>('GET', `/jobs/${job.job_id}/changes`);
  assert.deepEqual(res.body.files, files);
});

test('rerun: a new job with the same request and workspace, metadata.rerun_of; the same Idempotency-Key gives the same job', async () => {
  const request = { prompt: 'run me again', timeout_ms: 45_000, priority: 'high', metadata: { team: 'infra' }, workspace: { git: { url: 'https://example.com/repo.git', ref: 'main' } } };
  const original = await finishedJob(request);
  const rerun = await api.call<{ job_id: string; status: string }>('POST', `/jobs/${original.job_id}/rerun`);
  assert.equal(rerun.status, 202, rerun.text);
  assert.notEqual(rerun.body.job_id, original.job_id);
  const doc = (await api.store.get(rerun.body.job_id))!;
  assert.equal(doc.status, 'queued');
  assert.equal(doc.prompt, request.prompt);
  assert.equal(doc.timeout_ms, 45_000);
  assert.equal(doc.priority, 'high');
  assert.deepEqual(doc.metadata, { team: 'infra', rerun_of: original.job_id });
  assert.deepEqual(doc.workspace, request.workspace);
  assert.equal(doc.owner, 'alice');

  const first = await api.call<{ job_id: string }>('POST', `/jobs/${original.job_id}/rerun`, { headers: { 'idempotency-key': 'rerun-once' } });
  const again = await api.call<{ job_id: string }>('POST', `/jobs/${original.job_id}/rerun`, { headers: { 'idempotency-key': 'rerun-once' } });
  assert.equal(first.status, 202);
  assert.equal(again.status, 200);
  assert.equal(again.body.job_id, first.body.job_id);
  const other = await finishedJob({ prompt: 'another' });
  assert.equal((await api.call('POST', `/jobs/${other.job_id}/rerun`, { headers: { 'idempotency-key': 'rerun-once' } })).status, 409, 'the same key for another job');
  assert.equal((await api.call('POST', `/jobs/${original.job_id}/rerun`, { key: KEYS.bob })).status, 404);
  assert.equal((await api.call('POST', `/jobs/no-such-job/rerun`)).status, 404);
});

test('every response here matches the OpenAPI document', async () => {
  assert.ok((await assertResponsesMatchDocument()) > 5);
});
