// `environment` on POST /jobs: a name becomes a copy of the owner's environment (the job keeps it,
// so a later PUT or DELETE changes nothing queued), an inline spec is kept with its secrets sealed,
// an unknown or another owner's name is a 400 naming `environment`, and the sealed secrets stay
// inside (the document and the job message) and never in an API answer.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { decryptSecrets } from '../../../shared/environment/secret-box.js';
import { collectTopic, eventually } from '../../support/test-env.js';
import { startApi, KEYS, type ApiServer } from '../api/support/api-server.js';

type ErrorBody = { error: { code: string; message: string; details?: { field: string; message: string }[] } };
const KEY_HEX = 'b'.repeat(64);
let api: ApiServer;
before(async () => {
  api = await startApi({ env: { ENV_SECRETS_KEY: KEY_HEX } });
});
after(() => api.close());

async function submit(body: Record<string, unknown>, key: string = KEYS.alice) {
  return api.call<{ job_id: string } & ErrorBody>('POST', '/jobs', { key, body: { prompt: 'with an environment', ...body } });
}

test('a named environment is copied into the job; a later PUT or DELETE does not change the queued job', async () => {
  await api.call('PUT', '/environments/py', { body: { setup: 'pip install -r requirements.txt', cache: { paths: ['.venv'], key_files: ['requirements.txt'] }, secrets: { PIP_TOKEN: 'pip-secret-1' }, network: { setup: 'on' } } });
  const res = await submit({ environment: 'py' });
  assert.equal(res.status, 202, res.text);
  const stored = await api.store.get(res.body.job_id);
  assert.equal(stored?.environment?.name, 'py');
  assert.equal(stored?.environment?.setup, 'pip install -r requirements.txt');
  assert.deepEqual(stored?.environment?.secrets, ['PIP_TOKEN']);
  assert.deepEqual(stored?.environment?.cache, { paths: ['.venv'], key_files: ['requirements.txt'] });
  assert.deepEqual(decryptSecrets(stored?.environment_secrets, KEY_HEX), { PIP_TOKEN: 'pip-secret-1' });

  await api.call('PUT', '/environments/py', { body: { setup: 'echo changed', secrets: { PIP_TOKEN: 'pip-secret-2' } } });
  await api.call('DELETE', '/environments/py');
  const after = await api.store.get(res.body.job_id);
  assert.equal(after?.environment?.setup, 'pip install -r requirements.txt');
  assert.deepEqual(decryptSecrets(after?.environment_secrets, KEY_HEX), { PIP_TOKEN: 'pip-secret-1' });

  // The API shows the copy, never the sealed values.
  const shown = await api.call<Record<string, unknown>>('GET', `/jobs/${res.body.job_id}`);
  assert.equal((shown.body.environment as { name: string }).name, 'py');
  assert.ok(!('environment_secrets' in shown.body));
  const listed = await api.call<{ jobs: Record<string, unknown>[] }>('GET', '/jobs?limit=100');
  const mine = listed.body.jobs.find((j) => j.job_id === res.body.job_id);
  assert.ok(mine && !('environment_secrets' in mine));
  const cancelled = await api.call<Record<string, unknown>>('POST', `/jobs/${res.body.job_id}/cancel`);
  assert.ok(!('environment_secrets' in cancelled.body));
});

test('an inline spec is kept with its secrets sealed; a rerun keeps the same copy and secrets', async () => {
  const res = await submit({ environment: { setup: 'npm ci', secrets: { NPM_TOKEN: 'inline-secret' } } });
  assert.equal(res.status, 202, res.text);
  const stored = await api.store.get(res.body.job_id);
  assert.equal(stored?.environment?.name, null);
  assert.deepEqual(stored?.environment?.secrets, ['NPM_TOKEN']);
  assert.doesNotMatch(JSON.stringify(stored), /inline-secret/);
  assert.deepEqual(decryptSecrets(stored?.environment_secrets, KEY_HEX), { NPM_TOKEN: 'inline-secret' });

  const rerun = await api.call<{ job_id: string }>('POST', `/jobs/${res.body.job_id}/rerun`);
  assert.equal(rerun.status, 202, rerun.text);
  const again = await api.store.get(rerun.body.job_id);
  assert.deepEqual(again?.environment, stored?.environment);
  assert.deepEqual(decryptSecrets(again?.environment_secrets, KEY_HEX), { NPM_TOKEN: 'inline-secret' });
});

test('the job message carries the copy and the sealed secrets (the processor may build the job from it), never a value', async () => {
  const collected = await collectTopic(api.env.pubsub, api.env.config.JOBS_TOPIC);
  try {
    const res = await submit({ environment: { setup: 'true', secrets: { TOKEN: 'message-secret' } } });
    const message = await eventually(() => collected.messages.find((m) => (m.data as { job_id: string }).job_id === res.body.job_id), 'the job message');
    const data = message.data as { environment: { secrets: string[] }; environment_secrets: unknown };
    assert.deepEqual(data.environment.secrets, ['TOKEN']);
    assert.deepEqual(decryptSecrets(data.environment_secrets as never, KEY_HEX), { TOKEN: 'message-secret' });
    assert.doesNotMatch(JSON.stringify(message), /message-secret/);
  } finally {
    await collected.stop();
  }
});

test('an unknown name, or another owner’s, is a 400 naming `environment`; a bad inline spec names its field', async () => {
  await api.call('PUT', '/environments/bobs', { key: KEYS.bob, body: { setup: 'true' } });
  for (const name of ['no-such-env', 'bobs']) {
    const res = await submit({ environment: name });
    assert.equal(res.status, 400, name);
    assert.equal(res.body.error.details?.[0]?.field, 'environment');
    assert.match(res.body.error.message, new RegExp(name));
  }
  assert.equal((await submit({ environment: 'bobs' }, KEYS.bob)).status, 202);
  const badName = await submit({ environment: 'Not A Name' });
  assert.equal(badName.status, 400);
  assert.equal(badName.body.error.details?.[0]?.field, 'environment');
  const badInline = await submit({ environment: { setup: 'true', network: { agent: { allow: ['http://x'] } } } });
  assert.equal(badInline.status, 400);
  assert.ok(badInline.body.error.details?.some((d) => d.field.startsWith('environment.network.agent.allow')), JSON.stringify(badInline.body));
});

test('without ENV_SECRETS_KEY an inline spec with secrets is a 400 naming environment.secrets', async () => {
  const keyless = await startApi();
  try {
    const res = await keyless.call<ErrorBody>('POST', '/jobs', { body: { prompt: 'x', environment: { setup: 'true', secrets: { T: 'v' } } } });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.details?.[0]?.field, 'environment.secrets');
    assert.equal((await keyless.call('POST', '/jobs', { body: { prompt: 'x', environment: { setup: 'true' } } })).status, 202);
  } finally {
    await keyless.close();
  }
});
