// Idempotency-Key: the same key and body → the same job (200); another body → 409; 20 concurrent
// identical requests make exactly one job and one message.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { collectTopic, eventually } from '../../support/test-env.js';
import { startApi, KEYS, type ApiServer } from './support/api-server.js';
import { assertResponsesMatchDocument } from './support/openapi-conformance.js';

type Submitted = { job_id: string; status: string; message: string };
type ErrorBody = { error: { code: string; message: string } };

let api: ApiServer;
before(async () => {
  api = await startApi();
});
after(() => api.close());

test('the same key and body return the same job with 200; key order in the body does not matter', async () => {
  const first = await api.call<Submitted>('POST', '/jobs', { body: { prompt: 'once', priority: 'low' }, headers: { 'idempotency-key': 'k-1' } });
  assert.equal(first.status, 202);
  const again = await api.call<Submitted>('POST', '/jobs', { raw: '{"priority":"low","prompt":"once"}', headers: { 'idempotency-key': 'k-1', 'content-type': 'application/json' } });
  assert.equal(again.status, 200);
  assert.equal(again.body.job_id, first.body.job_id);
  assert.equal(again.body.status, 'queued');
});

test('the same key with another body is 409; the key is per owner', async () => {
  const first = await api.call<Submitted>('POST', '/jobs', { body: { prompt: 'a' }, headers: { 'idempotency-key': 'k-2' } });
  const other = await api.call<ErrorBody>('POST', '/jobs', { body: { prompt: 'b' }, headers: { 'idempotency-key': 'k-2' } });
  assert.equal(other.status, 409);
  assert.equal(other.body.error.code, 'conflict');
  const bob = await api.call<Submitted>('POST', '/jobs', { key: KEYS.bob, body: { prompt: 'a' }, headers: { 'idempotency-key': 'k-2' } });
  assert.equal(bob.status, 202);
  assert.notEqual(bob.body.job_id, first.body.job_id);
});

test('a malformed key is 400', async () => {
  const res = await api.call<ErrorBody>('POST', '/jobs', { body: { prompt: 'a' }, headers: { 'idempotency-key': 'x'.repeat(256) } });
  assert.equal(res.status, 400);
});

test('20 concurrent identical requests make exactly one job and publish one message', async () => {
  const lane = await collectTopic(api.env.pubsub, api.env.config.JOBS_TOPIC);
  try {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => api.call<Submitted>('POST', '/jobs', { key: KEYS.root, body: { prompt: 'exactly one' }, headers: { 'idempotency-key': 'burst' } })),
    );
    const ids = new Set(results.map((r) => r.body.job_id));
    assert.equal(ids.size, 1);
    assert.equal(results.filter((r) => r.status === 202).length, 1, 'one request made the job');
    assert.equal(results.filter((r) => r.status === 200).length, 19, 'the others got it back');
    const docs = await api.env.firestore.collection('jobs').where('owner', '==', 'root').get();
    assert.equal(docs.size, 1);
    const [id] = ids;
    await eventually(() => (lane.messages.some((m) => m.attributes.job_id === id) ? true : undefined), 'the message');
    // A duplicate would arrive within the same delivery window: give it the time one message took.
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(lane.messages.filter((m) => m.attributes.job_id === id).length, 1);
  } finally {
    await lane.stop();
  }
});

test('every response in this file matches the OpenAPI document', async () => {
  assert.ok((await assertResponsesMatchDocument()) > 20);
});
