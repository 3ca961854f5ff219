// POST /jobs/{id}/cancel: queued → cancelled at once; processing → cancel_requested: true (the
// processor ends the turn); terminal → 409; unknown → 404.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { JobDocument } from '../../../shared/jobs/job-document.js';
import { startApi, type ApiServer } from './support/api-server.js';
import { claimJob, completeJob } from './support/job-fixtures.js';
import { assertResponsesMatchDocument } from './support/openapi-conformance.js';

type ErrorBody = { error: { code: string; message: string } };

let api: ApiServer;
before(async () => {
  api = await startApi();
});
after(() => api.close());

async function submit(): Promise<JobDocument> {
  const res = await api.call<{ job_id: string }>('POST', '/jobs', { body: { prompt: 'to cancel' } });
  return (await api.store.get(res.body.job_id))!;
}

test('a queued job is cancelled at once', async () => {
  const job = await submit();
  const res = await api.call<JobDocument>('POST', `/jobs/${job.job_id}/cancel`);
  assert.equal(res.status, 200);
  assert.equal(res.body.status, 'cancelled');
  assert.ok(res.body.completed_at);
  assert.equal((await api.store.get(job.job_id))?.status, 'cancelled');
});

test('a processing job records the request and stays processing until the turn stops', async () => {
  const job = await submit();
  await claimJob(api.store, job);
  const res = await api.call<JobDocument>('POST', `/jobs/${job.job_id}/cancel`);
  assert.equal(res.status, 200);
  assert.equal(res.body.status, 'processing');
  assert.equal(res.body.cancel_requested, true);
  const stored = await api.store.get(job.job_id);
  assert.equal(stored?.cancel_requested, true);
  assert.equal(stored?.status, 'processing');
  // Asking again is harmless.
  assert.equal((await api.call<JobDocument>('POST', `/jobs/${job.job_id}/cancel`)).body.cancel_requested, true);
});

test('a terminal job is 409 conflict; cancelling twice is 409 the second time', async () => {
  const job = await submit();
  await claimJob(api.store, job);
  await completeJob(api.store, job.job_id);
  const res = await api.call<ErrorBody>('POST', `/jobs/${job.job_id}/cancel`);
  assert.equal(res.status, 409);
  assert.equal(res.body.error.code, 'conflict');
  assert.match(res.body.error.message, /completed/);
  const other = await submit();
  assert.equal((await api.call('POST', `/jobs/${other.job_id}/cancel`)).status, 200);
  assert.equal((await api.call('POST', `/jobs/${other.job_id}/cancel`)).status, 409);
});

test('an unknown job is 404', async () => {
  const res = await api.call<ErrorBody>('POST', '/jobs/00000000-0000-4000-8000-000000000000/cancel');
  assert.equal(res.status, 404);
  assert.equal(res.body.error.code, 'not_found');
});

test('every response in this file matches the OpenAPI document', async () => {
  assert.ok((await assertResponsesMatchDocument()) > 5);
});
