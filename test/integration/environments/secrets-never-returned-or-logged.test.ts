// A secret's value, once PUT, is in no API answer and no log line (DEBUG included): not in the PUT's
// answer, GET, the list, a job made with the environment (submit, ?wait, get, list, cancel,
// rerun), nor in the stored documents other than sealed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ENVIRONMENTS_COLLECTION } from '../../../shared/environment/environment-store.js';
import { JOBS_COLLECTION } from '../../../shared/store/firestore-job-store.js';
import { captureLogs } from '../../support/capture-logs.js';
import { startApi, type ApiServer } from '../api/support/api-server.js';

const SECRET = 'sekret-value-7f3a9c1e';
let api: ApiServer;
const logs = captureLogs();
before(async () => {
  api = await startApi({ env: { ENV_SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'), LOG_LEVEL: 'DEBUG' } });
});
after(async () => {
  logs.stop();
  await api.close();
});

test('PUT with a secret, then every read and every job route: the value is in no response and no log line', async () => {
  const texts: string[] = [];
  const keep = <T extends { text: string }>(r: T): T => (texts.push(r.text), r);
  keep(await api.call('PUT', '/environments/leaky', { body: { setup: 'echo $TOKEN', secrets: { TOKEN: SECRET } } }));
  keep(await api.call('PUT', '/environments/leaky', { body: { setup: 'echo $TOKEN', secrets: { TOKEN: SECRET } } }));
  keep(await api.call('GET', '/environments/leaky'));
  keep(await api.call('GET', '/environments'));
  const byName = keep(await api.call<{ job_id: string }>('POST', '/jobs', { body: { prompt: 'p', environment: 'leaky' } }));
  const inline = keep(await api.call<{ job_id: string }>('POST', '/jobs', { body: { prompt: 'p', environment: { setup: 'true', secrets: { TOKEN: SECRET } } }, headers: { 'idempotency-key': 'leak-check' } }));
  keep(await api.call('POST', '/jobs', { body: { prompt: 'p', environment: { setup: 'true', secrets: { TOKEN: SECRET } } }, headers: { 'idempotency-key': 'leak-check' } }));
  for (const id of [byName.body.job_id, inline.body.job_id]) {
    keep(await api.call('GET', `/jobs/${id}`));
    keep(await api.call('GET', `/status/${id}`));
    keep(await api.call('POST', `/jobs/${id}/rerun`));
    keep(await api.call('POST', `/jobs/${id}/cancel`));
  }
  keep(await api.call('GET', '/jobs?limit=100'));
  keep(await api.call('POST', '/jobs?wait=1', { body: { prompt: 'p', environment: 'leaky' } }));
  keep(await api.call('PUT', '/environments/leaky', { body: { setup: 'x', secrets: { TOKEN: SECRET }, bogus: SECRET } }));
  keep(await api.call('POST', '/jobs', { body: { prompt: 'p', environment: { setup: 'true', secrets: { TOKEN: SECRET }, bogus: 1 } } }));

  assert.ok(texts.length >= 15);
  for (const text of texts) assert.ok(!text.includes(SECRET), `a response holds the secret: ${text.slice(0, 300)}`);
  const logged = logs.text();
  assert.ok(logged.includes('environment created') && logged.includes('job queued'), 'the DEBUG log lines were captured');
  assert.ok(!logged.includes(SECRET), 'a log line holds the secret');

  // At rest: sealed in both collections, never in clear.
  for (const collection of [ENVIRONMENTS_COLLECTION, JOBS_COLLECTION]) {
    const snap = await api.env.firestore.collection(collection).get();
    assert.ok(snap.size > 0);
    for (const doc of snap.docs) assert.ok(!JSON.stringify(doc.data()).includes(SECRET), `${collection}/${doc.id} holds the secret in clear`);
  }
});
