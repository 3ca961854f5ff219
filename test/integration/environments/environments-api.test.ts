// PUT/GET/DELETE /environments: an owner's environments through the served API on the emulators.
// Create (201) or replace (200), secrets shown by name only, 404 for another owner's, 400 naming the
// bad field, and the document's id never holding the raw owner.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { ENVIRONMENTS_COLLECTION } from '../../../shared/environment/environment-store.js';
import { startApi, KEYS, type ApiServer } from '../api/support/api-server.js';
import { assertResponsesMatchDocument } from '../api/support/openapi-conformance.js';

type ErrorBody = { error: { code: string; message: string; details?: { field: string; message: string }[] } };
type Env = { name: string; setup: string; secrets: string[]; env: Record<string, string>; network: Record<string, unknown>; created_at: string; updated_at: string };

const KEY_HEX = 'a'.repeat(64);
let api: ApiServer;
before(async () => {
  api = await startApi({ env: { ENV_SECRETS_KEY: KEY_HEX } });
});
after(() => api.close());

test('PUT creates (201) then replaces (200) an environment; the answer shows secrets by name only', async () => {
  const spec = { setup: 'npm ci', env: { NODE_ENV: 'test' }, secrets: { NPM_TOKEN: 'tok-1', B_TOKEN: 'tok-2' }, network: { agent: { allow: ['registry.npmjs.org'], methods: ['GET'] } } };
  const created = await api.call<Env>('PUT', '/environments/node-app', { body: spec });
  assert.equal(created.status, 201);
  assert.equal(created.body.name, 'node-app');
  assert.equal(created.body.setup, 'npm ci');
  assert.deepEqual(created.body.secrets, ['B_TOKEN', 'NPM_TOKEN']);
  assert.deepEqual(created.body.env, { NODE_ENV: 'test' });
  assert.doesNotMatch(created.text, /tok-1|tok-2/);

  const replaced = await api.call<Env>('PUT', '/environments/node-app', { body: { setup: 'npm install' } });
  assert.equal(replaced.status, 200);
  assert.equal(replaced.body.setup, 'npm install');
  assert.deepEqual(replaced.body.secrets, [], 'a replace drops what the new spec leaves out, secrets included');
  assert.equal(replaced.body.created_at, created.body.created_at);
  assert.ok(replaced.body.updated_at >= created.body.updated_at);

  const got = await api.call<Env>('GET', '/environments/node-app');
  assert.equal(got.status, 200);
  assert.equal(got.body.setup, 'npm install');
});

test('GET /environments lists only the caller’s, by name; DELETE is 204 and then 404', async () => {
  await api.call('PUT', '/environments/zeta', { body: { setup: 'true' } });
  await api.call('PUT', '/environments/alpha', { body: { setup: 'true' } });
  await api.call('PUT', '/environments/bob-own', { key: KEYS.bob, body: { setup: 'echo bob' } });
  const list = await api.call<{ environments: Env[] }>('GET', '/environments');
  assert.equal(list.status, 200);
  const names = list.body.environments.map((e) => e.name);
  assert.deepEqual(names, [...names].sort());
  assert.ok(names.includes('alpha') && names.includes('zeta'));
  assert.ok(!names.includes('bob-own'));

  const del = await api.call('DELETE', '/environments/zeta');
  assert.equal(del.status, 204);
  assert.equal(del.text, '');
  assert.equal((await api.call<ErrorBody>('GET', '/environments/zeta')).body.error.code, 'not_found');
  assert.equal((await api.call('DELETE', '/environments/zeta')).status, 404);
});

test('another owner’s environment is 404 to read and to delete, and the same name is each owner’s own', async () => {
  await api.call('PUT', '/environments/shared-name', { body: { setup: 'echo alice' } });
  const bobGet = await api.call<ErrorBody>('GET', '/environments/shared-name', { key: KEYS.bob });
  assert.equal(bobGet.status, 404);
  assert.equal(bobGet.body.error.code, 'not_found');
  assert.equal((await api.call('DELETE', '/environments/shared-name', { key: KEYS.bob })).status, 404);
  assert.equal((await api.call('PUT', '/environments/shared-name', { key: KEYS.bob, body: { setup: 'echo bob' } })).status, 201);
  assert.equal((await api.call<Env>('GET', '/environments/shared-name')).body.setup, 'echo alice');
  assert.equal((await api.call<Env>('GET', '/environments/shared-name', { key: KEYS.bob })).body.setup, 'echo bob');
  // An admin key reads its own environments only: environments are not shared, even with admins.
  assert.equal((await api.call('GET', '/environments/shared-name', { key: KEYS.root })).status, 404);
});

test('the document id is sha256(owner).name: no owner name in any id', async () => {
  await api.call('PUT', '/environments/id-check', { body: { setup: 'true' } });
  const snap = await api.env.firestore.collection(ENVIRONMENTS_COLLECTION).get();
  assert.ok(snap.size > 0);
  for (const doc of snap.docs) {
    assert.match(doc.id, /^[0-9a-f]{64}\.[a-z0-9-]+$/);
    const owner = doc.get('owner') as string;
    assert.equal(doc.id, `${createHash('sha256').update(owner).digest('hex')}.${doc.get('name')}`);
  }
});

test('a bad name is a 400 naming `name`; a bad body names its field', async () => {
  for (const bad of ['Upper', '-lead', 'a_b', 'x'.repeat(64), '%20x']) {
    const res = await api.call<ErrorBody>('PUT', `/environments/${bad}`, { body: { setup: 'true' } });
    assert.equal(res.status, 400, bad);
    assert.equal(res.body.error.details?.[0]?.field, 'name', bad);
    assert.equal((await api.call<ErrorBody>('GET', `/environments/${bad}`)).body.error.details?.[0]?.field, 'name');
  }
  const badNetwork = await api.call<ErrorBody>('PUT', '/environments/bad-body', { body: { setup: 'true', network: { agent: 'sometimes' } } });
  assert.equal(badNetwork.status, 400);
  assert.ok(badNetwork.body.error.details?.some((d) => d.field.startsWith('network.agent')), JSON.stringify(badNetwork.body));
  const unknown = await api.call<ErrorBody>('PUT', '/environments/bad-body', { body: { setup: 'true', steps: [] } });
  assert.equal(unknown.body.error.details?.[0]?.field, 'steps');
  const notJson = await api.call<ErrorBody>('PUT', '/environments/bad-body', { raw: 'setup: true', headers: { 'content-type': 'text/yaml' } });
  assert.equal(notJson.status, 415);
  assert.equal((await api.call('GET', '/environments/bad-body')).status, 404, 'nothing was stored');
});

test('an environment too large to copy into a job is a 400', async () => {
  const env = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`V${i}`, 'x'.repeat(12_000)]));
  const res = await api.call<ErrorBody>('PUT', '/environments/too-big', { body: { setup: 'true', env } });
  assert.equal(res.status, 400);
  assert.match(res.body.error.message, /bytes stored/);
});

test('every environments response matches the OpenAPI document', async () => {
  assert.ok((await assertResponsesMatchDocument()) >= 10);
});

test('without ENV_SECRETS_KEY: secrets are refused with a 400 naming `secrets`; an environment without them is stored', async () => {
  const keyless = await startApi();
  try {
    const refused = await keyless.call<ErrorBody>('PUT', '/environments/with-secret', { body: { setup: 'true', secrets: { TOKEN: 'v' } } });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.details?.[0]?.field, 'secrets');
    assert.match(refused.body.error.message, /ENV_SECRETS_KEY/);
    assert.equal((await keyless.call('PUT', '/environments/without-secret', { body: { setup: 'true' } })).status, 201);
  } finally {
    await keyless.close();
  }
});
