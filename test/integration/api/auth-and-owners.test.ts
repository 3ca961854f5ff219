// X-API-Key: missing or wrong → 401 with the envelope; the key's name owns the job; another owner's
// job answers 404 everywhere; admins see every job; only /health is open.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { startApi, KEYS, type ApiServer } from './support/api-server.js';
import { claimJob, completeJob } from './support/job-fixtures.js';
import { assertResponsesMatchDocument } from './support/openapi-conformance.js';

type ErrorBody = { error: { code: string; message: string } };

let api: ApiServer;
before(async () => {
  const carolHash = createHash('sha256').update('carol-secret').digest('hex');
  api = await startApi({ env: { API_KEYS: `alice:${KEYS.alice},bob:${KEYS.bob},root:${KEYS.root},carol:sha256:${carolHash}` } });
});
after(() => api.close());

test('a missing or wrong key is 401 with the envelope on every protected route', async () => {
  for (const [method, path] of [
    ['POST', '/jobs'],
    ['GET', '/jobs'],
    ['GET', '/jobs/abc'],
    ['GET', '/status/abc'],
    ['POST', '/jobs/abc/cancel'],
    ['GET', '/jobs/abc/events'],
    ['GET', '/jobs/abc/outputs'],
    ['GET', '/jobs/abc/outputs/a.txt'],
    ['GET', '/queue/stats'],
  ] as const) {
    for (const key of [null, 'wrong-key', `${KEYS.alice}x`, '']) {
      const res = await api.call<ErrorBody>(method, path, { key, ...(method === 'POST' ? { body: { prompt: 'x' } } : {}) });
      assert.equal(res.status, 401, `${method} ${path} key=${String(key)}`);
      assert.equal(res.body.error.code, 'unauthorized');
    }
  }
  const health = await api.call<{ status: string }>('GET', '/health', { key: null });
  assert.equal(health.status, 200);
  assert.equal((await api.call('GET', '/openapi.json', { key: null })).status, 401, 'the OpenAPI document is behind the key too');
});

test('a key given as name:sha256:<hex> authenticates, and its name is the owner', async () => {
  const res = await api.call<{ job_id: string }>('POST', '/jobs', { key: 'carol-secret', body: { prompt: 'from carol' } });
  assert.equal(res.status, 202);
  assert.equal((await api.store.get(res.body.job_id))?.owner, 'carol');
});

test("another owner's job is 404 on read, cancel, events and outputs; an admin sees it", async () => {
  const { body } = await api.call<{ job_id: string }>('POST', '/jobs', { key: KEYS.alice, body: { prompt: 'alice only' } });
  const id = body.job_id;
  for (const [method, path] of [
    ['GET', `/jobs/${id}`],
    ['GET', `/status/${id}`],
    ['POST', `/jobs/${id}/cancel`],
    ['GET', `/jobs/${id}/events`],
    ['GET', `/jobs/${id}/outputs`],
    ['GET', `/jobs/${id}/outputs/x.txt`],
  ] as const) {
    const res = await api.call<ErrorBody>(method, path, { key: KEYS.bob });
    assert.equal(res.status, 404, `${method} ${path}`);
    assert.equal(res.body.error.code, 'not_found');
  }
  assert.equal((await api.call('GET', `/jobs/${id}`, { key: KEYS.alice })).status, 200);
  assert.equal((await api.call('GET', `/status/${id}`, { key: KEYS.alice })).status, 200);
  const asAdmin = await api.call<{ owner: string }>('GET', `/jobs/${id}`, { key: KEYS.root });
  assert.equal(asAdmin.status, 200);
  assert.equal(asAdmin.body.owner, 'alice');
  // The job is still queued: bob's cancel changed nothing.
  assert.equal((await api.store.get(id))?.status, 'queued');
  // An admin may cancel it.
  assert.equal((await api.call<{ status: string }>('POST', `/jobs/${id}/cancel`, { key: KEYS.root })).body.status, 'cancelled');
});

test('listing shows only the caller\'s jobs; an admin lists everyone\'s', async () => {
  await api.call('POST', '/jobs', { key: KEYS.bob, body: { prompt: 'bob job' } });
  const bob = await api.call<{ jobs: { owner: string }[] }>('GET', '/jobs?limit=100', { key: KEYS.bob });
  assert.ok(bob.body.jobs.length >= 1);
  assert.ok(bob.body.jobs.every((j) => j.owner === 'bob'));
  const root = await api.call<{ jobs: { owner: string }[] }>('GET', '/jobs?limit=100', { key: KEYS.root });
  assert.deepEqual([...new Set(root.body.jobs.map((j) => j.owner))].sort(), ['alice', 'bob', 'carol']);
});

test('a finished job of another owner still answers 404, and unknown routes and methods have envelopes', async () => {
  const { body } = await api.call<{ job_id: string }>('POST', '/jobs', { body: { prompt: 'to finish' } });
  const job = await api.store.get(body.job_id);
  await claimJob(api.store, job!);
  await completeJob(api.store, body.job_id);
  assert.equal((await api.call('GET', `/jobs/${body.job_id}`, { key: KEYS.bob })).status, 404);
  const nope = await api.call<ErrorBody>('GET', '/nope');
  assert.equal(nope.status, 404);
  assert.equal(nope.body.error.code, 'not_found');
  const method = await api.call<ErrorBody>('DELETE', '/jobs');
  assert.equal(method.status, 405);
  assert.match(method.headers.get('allow')!, /GET/);
});

test('every response in this file matches the OpenAPI document', async () => {
  assert.ok((await assertResponsesMatchDocument()) > 20);
});
