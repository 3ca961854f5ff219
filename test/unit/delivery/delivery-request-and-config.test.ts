// The delivery schemas and variables: `delivery` only with a workspace.git (a 400 naming it), its
// options checked; FORGE_HOSTS, GIT_AUTHOR and the GitHub App variables parsed, a bad value named.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { parseConfig } from '../../../shared/config.js';
import { forgeOf } from '../../../shared/delivery/delivery-config.js';
import { describeIssues, JobRequestSchema } from '../../../shared/jobs/job-request.js';
import { resultMessageFromJob } from '../../../shared/jobs/result-message.js';
import { webhookBodySchema } from '../../../shared/webhooks/webhook-body.js';
import { newJobDocument } from '../../../shared/jobs/job-document.js';
import { jobSpec } from '../../support/job-spec.js';

const git = { git: { url: 'https://github.com/o/r.git' } };

test('delivery without a workspace.git is refused naming delivery; with one it is kept', () => {
  for (const workspace of [undefined, { upload_id: 'abcdefgh1234' }]) {
    const parsed = JobRequestSchema.safeParse({ prompt: 'x', delivery: { pull_request: true }, ...(workspace ? { workspace } : {}) });
    assert.equal(parsed.success, false);
    assert.deepEqual(describeIssues(parsed.error!).map((d) => d.field), ['delivery']);
  }
  const ok = JobRequestSchema.parse({ prompt: 'x', workspace: git, delivery: { branch: 'fix/it', pull_request: { title: 'T', draft: false, base: 'main' }, commit_message: 'm' } });
  assert.deepEqual(ok.delivery, { branch: 'fix/it', pull_request: { title: 'T', draft: false, base: 'main' }, commit_message: 'm' });
});

test('bad delivery options are named field by field', () => {
  const parsed = JobRequestSchema.safeParse({ prompt: 'x', workspace: git, delivery: { branch: 'a..b', pull_request: { base: '-x', extra: 1 }, force: true } });
  assert.equal(parsed.success, false);
  const fields = describeIssues(parsed.error!).map((d) => d.field).sort();
  assert.deepEqual(fields, ['delivery.branch', 'delivery.force', 'delivery.pull_request.base', 'delivery.pull_request.extra'].sort());
});

test('FORGE_HOSTS, GIT_AUTHOR and the GitHub App variables', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const c = parseConfig({ FORGE_HOSTS: 'git.corp:8443=github@https://git.corp:8443/api/v3/,lab.corp=gitlab', GIT_AUTHOR: 'Bot Name <bot@example.com>', GITHUB_APP_ID: '123', GITHUB_APP_PRIVATE_KEY: pem.replace(/\n/g, '\\n') });
  assert.deepEqual(c.FORGE_HOSTS, [{ host: 'git.corp:8443', kind: 'github', api_base_url: 'https://git.corp:8443/api/v3' }, { host: 'lab.corp', kind: 'gitlab' }]);
  assert.deepEqual(c.GIT_AUTHOR, { name: 'Bot Name', email: 'bot@example.com' });
  assert.equal(c.GITHUB_APP_PRIVATE_KEY, pem, '\\n escapes become newlines');
  assert.deepEqual(forgeOf(new URL('https://git.corp:8443/o/r.git'), c.FORGE_HOSTS), { kind: 'github', host: 'git.corp:8443', apiBaseUrl: 'https://git.corp:8443/api/v3' });
  assert.deepEqual(forgeOf(new URL('https://lab.corp/g/p.git'), c.FORGE_HOSTS), { kind: 'gitlab', host: 'lab.corp', apiBaseUrl: 'https://lab.corp/api/v4' });
  assert.equal(forgeOf(new URL('https://github.com/o/r'), [])?.apiBaseUrl, 'https://api.github.com');
  assert.equal(forgeOf(new URL('https://elsewhere.example/o/r'), []), undefined);
  const gitea = parseConfig({ FORGE_HOSTS: 'tea.corp=gitea,127.0.0.1:3000=gitea@http://127.0.0.1:3000/api/v1' }).FORGE_HOSTS;
  assert.deepEqual(forgeOf(new URL('https://tea.corp/o/r.git'), gitea), { kind: 'gitea', host: 'tea.corp', apiBaseUrl: 'https://tea.corp/api/v1' });
  assert.deepEqual(forgeOf(new URL('http://127.0.0.1:3000/o/r.git'), gitea), { kind: 'gitea', host: '127.0.0.1:3000', apiBaseUrl: 'http://127.0.0.1:3000/api/v1' });
  assert.deepEqual(parseConfig({}).GIT_AUTHOR, { name: 'codex-jobs', email: 'codex-jobs@localhost' });
  assert.throws(() => parseConfig({ FORGE_HOSTS: 'host=bitbucket' }), /FORGE_HOSTS/);
  assert.throws(() => parseConfig({ GIT_AUTHOR: 'no email' }), /GIT_AUTHOR/);
  assert.throws(() => parseConfig({ GITHUB_APP_ID: '1', GITHUB_APP_PRIVATE_KEY: 'not a key' }), (e: Error) => /GITHUB_APP_PRIVATE_KEY=\(hidden\)/.test(e.message) && !e.message.includes('not a key'));
  assert.throws(() => parseConfig({ GITHUB_APP_ID: '1' }), /GITHUB_APP_PRIVATE_KEY: a GitHub App needs both/);
});

test('result.delivery reaches the codex-results message and the webhook body', () => {
  const job = { ...newJobDocument(jobSpec(), 30), status: 'completed' as const, completed_at: '2026-12-06T00:00:00.000Z' };
  const delivery = { state: 'opened' as const, branch: 'codex-jobs/abcdef12', commit: 'c'.repeat(40), pull_request: { url: 'https://github.com/o/r/pull/1', number: 1 } };
  const message = resultMessageFromJob({ ...job, result: { exit_code: 0, final_message: 'done', stdout: '', stderr: '', execution_time_ms: 1, output_files: [], created_files: [], usage: { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0, total_tokens: 0 }, thread_id: null, delivery } });
  assert.deepEqual(message.delivery, delivery);
  assert.deepEqual(webhookBodySchema.parse(message).delivery, delivery);
});
