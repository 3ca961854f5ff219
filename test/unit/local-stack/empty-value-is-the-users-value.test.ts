// The local stack's environment: a variable the user set to the empty string is the user's value and
// reaches the functions as set (CALLBACK_ALLOWLIST= means no exceptions, ADMIN_KEYS= no admins); the
// local defaults fill only what is unset. Only the offline model's wiring replaces an empty model key.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_LOCAL_PROJECT, resolveStackEnv } from '../../../dev/stack-env.js';
import { parseConfig } from '../../../shared/config.js';

test('CALLBACK_ALLOWLIST= and ADMIN_KEYS= reach the functions empty: no exceptions, no admins', () => {
  const { env, defaulted } = resolveStackEnv({ user: { CALLBACK_ALLOWLIST: '', ADMIN_KEYS: '', API_KEYS: 'team:team-key-0123456789' } });
  assert.equal(env.CALLBACK_ALLOWLIST, '');
  assert.equal(env.ADMIN_KEYS, '');
  assert.ok(!defaulted.includes('CALLBACK_ALLOWLIST'), 'not the dev default 127.0.0.1,localhost');
  assert.ok(!defaulted.includes('ADMIN_KEYS'));
  const config = parseConfig(env);
  assert.deepEqual(config.CALLBACK_ALLOWLIST, []);
  assert.deepEqual(config.ADMIN_KEYS, []);
});

test('unset, they get the local defaults', () => {
  const { env, defaulted } = resolveStackEnv({ user: {} });
  assert.equal(env.CALLBACK_ALLOWLIST, '127.0.0.1,localhost');
  assert.ok(defaulted.includes('CALLBACK_ALLOWLIST'));
  assert.ok(defaulted.includes('ADMIN_KEYS'));
  assert.deepEqual(parseConfig(env).CALLBACK_ALLOWLIST, ['127.0.0.1', 'localhost']);
});

test('an empty API_KEYS is no key at all, not the dev key; an empty project is the config default', () => {
  const { env, apiKeys, project } = resolveStackEnv({ user: { API_KEYS: '', GOOGLE_CLOUD_PROJECT: '' } });
  assert.equal(env.API_KEYS, '');
  assert.deepEqual(apiKeys, { source: 'user', names: [], devKey: undefined });
  assert.deepEqual(parseConfig(env).API_KEYS, []);
  assert.equal(project, DEFAULT_LOCAL_PROJECT);
  assert.equal(parseConfig(env).GOOGLE_CLOUD_PROJECT, project, 'the stack and its functions name the same project');
});

test("an empty OPENAI_API_KEY means no model: the offline model's wiring fills it", () => {
  const model = { CODEX_PROVIDER_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_API_KEY: 'offline-scripted-model', CODEX_MODEL: 'offline-scripted-model' };
  const { env } = resolveStackEnv({ user: { OPENAI_API_KEY: '', CODEX_PROVIDER_BASE_URL: '' }, model });
  assert.equal(env.OPENAI_API_KEY, 'offline-scripted-model');
  assert.equal(env.CODEX_PROVIDER_BASE_URL, 'http://127.0.0.1:9/v1');
  // A value the user gave still wins over the wiring.
  assert.equal(resolveStackEnv({ user: { CODEX_MODEL: 'mine' }, model }).env.CODEX_MODEL, 'mine');
});

test("the caller's overrides may also set a variable empty", () => {
  const { env } = resolveStackEnv({ user: { CALLBACK_ALLOWLIST: 'hooks.example' }, overrides: { CALLBACK_ALLOWLIST: '' } });
  assert.equal(env.CALLBACK_ALLOWLIST, '');
});
