// The deployed wiring: functions/enqueue/index.ts registers `enqueue` with the Functions Framework
// and installs the envelope for the framework's own errors.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { PubSub } from '@google-cloud/pubsub';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { requireEmulators } from '../../support/test-env.js';

const project = `fn-${randomUUID().slice(0, 8)}`;
let url: string;
let close: () => Promise<void>;
before(async () => {
  const hosts = requireEmulators();
  Object.assign(process.env, { GOOGLE_CLOUD_PROJECT: project, API_KEYS: 'alice:alice-key', LOG_LEVEL: 'ERROR', PUBSUB_EMULATOR_HOST: hosts.pubsub, FIRESTORE_EMULATOR_HOST: hosts.firestore });
  const pubsub = new PubSub({ projectId: project });
  await Promise.all(['codex-jobs', 'codex-jobs-priority'].map((t) => pubsub.createTopic(t)));
  await pubsub.close();
  await import('../../../functions/enqueue/index.js');
  const server = getTestServer('enqueue');
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections());
});
after(() => close());

test('the registered function queues a job and answers the framework\'s own errors with the envelope', async () => {
  const ok = await fetch(`${url}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'alice-key' }, body: '{"prompt":"wired"}' });
  assert.equal(ok.status, 202);
  const bad = await fetch(`${url}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'alice-key' }, body: '{"prompt":' });
  assert.equal(bad.status, 400);
  assert.deepEqual(((await bad.json()) as { error: { code: string } }).error.code, 'bad_request');
  const path = await fetch(`${url}/jobs/%E0%A4%A`, { headers: { 'x-api-key': 'alice-key' } });
  assert.equal(path.status, 400);
  assert.match(path.headers.get('content-type')!, /application\/json/);
  const charset = await fetch(`${url}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json; charset=foo', 'x-api-key': 'alice-key' }, body: '{}' });
  assert.equal(charset.status, 415);
  assert.equal(((await charset.json()) as { error: { code: string } }).error.code, 'bad_request');
  const health = await fetch(`${url}/health`);
  assert.equal(health.status, 200);
});
