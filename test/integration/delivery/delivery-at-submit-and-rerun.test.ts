// The `delivery` field through the API: kept on the job with a workspace.git, a 400 naming it
// without one; a rerun delivers to a branch of its own (the original's explicit branch is not copied).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startApi, type ApiServer } from '../api/support/api-server.js';

let api: ApiServer;
before(async () => {
  api = await startApi({ env: { GIT_ALLOWLIST: '127.0.0.1', ALLOW_INSECURE_GIT: '1' } });
});
after(() => api.close());

const git = { git: { url: 'http://127.0.0.1:9/octo/repo.git', ref: 'main' } };

test('delivery is kept with a workspace.git and refused without one; a rerun gets its own branch', async () => {
  const refused = await api.call<{ error: { code: string; details: { field: string }[] } }>('POST', '/jobs', { body: { prompt: 'x', delivery: { pull_request: true } } });
  assert.equal(refused.status, 400);
  assert.deepEqual(refused.body.error.details.map((d) => d.field), ['delivery']);

  const delivery = { branch: 'fix/mine', pull_request: { title: 'Fix', body: 'Closes #3', draft: false }, commit_message: 'Fix it' };
  const submitted = await api.call<{ job_id: string }>('POST', '/jobs', { body: { prompt: 'fix', workspace: git, delivery } });
  assert.equal(submitted.status, 202, submitted.text);
  const shown = await api.call<{ delivery: unknown }>('GET', `/jobs/${submitted.body.job_id}`);
  assert.deepEqual(shown.body.delivery, delivery);

  const rerun = await api.call<{ job_id: string }>('POST', `/jobs/${submitted.body.job_id}/rerun`);
  assert.equal(rerun.status, 202, rerun.text);
  const again = (await api.store.get(rerun.body.job_id))!;
  assert.deepEqual(again.delivery, { pull_request: delivery.pull_request, commit_message: 'Fix it' }, 'no branch: the default codex-jobs/{its own id}');
  assert.deepEqual(again.workspace, git);
});
