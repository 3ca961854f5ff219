// The Codex child's isolation: its private config.toml and its scrubbed environment.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { configToml, DEFAULT_PROVIDER_BASE_URL, providerFromConfig, scrubbedEnv, writeCodexHome, type ModelProvider } from '../../../shared/codex/codex-home.js';

/** config.toml as table → key → value; every value this file writes is also valid JSON. */
function tables(text: string): Map<string, Map<string, unknown>> {
  const out = new Map<string, Map<string, unknown>>([['', new Map()]]);
  let current = '';
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const header = /^\[([^\]]+)\]$/.exec(trimmed);
    if (header) {
      current = header[1]!;
      assert.ok(!out.has(current), `table [${current}] defined twice`);
      out.set(current, new Map());
      continue;
    }
    const kv = /^([A-Za-z0-9_]+)\s*=\s*(.+)$/.exec(trimmed);
    assert.ok(kv, `not a key = value line: ${line}`);
    assert.ok(!out.get(current)!.has(kv[1]!), `${kv[1]} set twice in [${current}]`);
    out.get(current)!.set(kv[1]!, JSON.parse(kv[2]!));
  }
  return out;
}

const remote: ModelProvider = { baseUrl: 'https://api.example.com/v1', apiKey: 'sk-remote-key', model: 'gpt-test' };
const local: ModelProvider = { baseUrl: 'http://127.0.0.1:41234/v1', apiKey: undefined, model: 'scripted' };

describe('configToml', () => {
  it('points the provider at the base URL with approval never and the sandbox', () => {
    const t = tables(configToml(remote, 'workspace-write'));
    const top = t.get('')!;
    assert.equal(top.get('model'), 'gpt-test');
    assert.equal(top.get('model_provider'), 'jobs');
    assert.equal(top.get('approval_policy'), 'never');
    assert.equal(top.get('sandbox_mode'), 'workspace-write');
    const provider = t.get('model_providers.jobs')!;
    assert.equal(provider.get('base_url'), 'https://api.example.com/v1');
    assert.equal(provider.get('wire_api'), 'responses');
    assert.equal(tables(configToml(remote, 'read-only')).get('')!.get('sandbox_mode'), 'read-only');
  });

  it('gives commands only the core environment, never secret-named variables', () => {
    const policy = tables(configToml(remote, 'workspace-write')).get('shell_environment_policy')!;
    assert.equal(policy.get('inherit'), 'core');
    const exclude = policy.get('exclude') as string[];
    for (const pattern of ['*KEY*', '*SECRET*', '*TOKEN*', 'GOOGLE_*']) assert.ok(exclude.includes(pattern), pattern);
  });

  it('names the key variable (env_key) only when a key is given, never the key itself', () => {
    const withKey = configToml(remote, 'workspace-write');
    assert.equal(tables(withKey).get('model_providers.jobs')!.get('env_key'), 'CODEX_JOBS_MODEL_KEY');
    assert.ok(!withKey.includes('sk-remote-key'), 'the key is not in a file the agent can read');
    const without = configToml(local, 'workspace-write');
    assert.equal(tables(without).get('model_providers.jobs')!.has('env_key'), false);
    assert.doesNotMatch(without, /bearer/i);
  });

  it('turns retries off only for a local base URL', () => {
    const retries = (baseUrl: string) => {
      const p = tables(configToml({ ...local, baseUrl }, 'workspace-write')).get('model_providers.jobs')!;
      return [p.get('request_max_retries'), p.get('stream_max_retries')];
    };
    for (const url of ['http://127.0.0.1:41234/v1', 'http://localhost:8080/v1', 'http://127.0.0.1/v1', 'http://[::1]:9000/v1', 'http://localhost:1234']) {
      assert.deepEqual(retries(url), [0, 0], url);
    }
    for (const url of ['https://api.openai.com/v1', 'http://127.0.0.1.evil.example/v1', 'http://localhost.evil.example/v1', 'http://10.0.0.5:8080/v1']) {
      assert.deepEqual(retries(url), [undefined, undefined], url);
    }
  });

  it('keeps a hostile model name or URL inside its string (no TOML injection)', () => {
    const t = tables(configToml({ baseUrl: 'https://x.example/v1"\nsandbox_mode = "danger-full-access', apiKey: 'k"\n[evil]', model: 'm"\napproval_policy = "on-request' }, 'read-only'));
    assert.equal(t.get('')!.get('approval_policy'), 'never');
    assert.equal(t.get('')!.get('sandbox_mode'), 'read-only');
    assert.equal(t.has('evil'), false);
  });

  it('writes config.toml readable only by the owner', async (t) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'codex-home-test-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    await writeCodexHome(dir, remote, 'workspace-write');
    const file = path.join(dir, 'config.toml');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal(await readFile(file, 'utf8'), configToml(remote, 'workspace-write'));
  });
});

describe('providerFromConfig', () => {
  it('defaults to the OpenAI endpoint and passes key and model', () => {
    assert.deepEqual(providerFromConfig({ CODEX_PROVIDER_BASE_URL: undefined, OPENAI_API_KEY: 'k', CODEX_MODEL: 'm' }), { baseUrl: DEFAULT_PROVIDER_BASE_URL, apiKey: 'k', model: 'm' });
    assert.equal(providerFromConfig({ CODEX_PROVIDER_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_API_KEY: undefined, CODEX_MODEL: 'm' }).baseUrl, 'http://127.0.0.1:9/v1');
  });
});

describe('scrubbedEnv', () => {
  const dirs = { codexHome: '/jobs/j1/codex-home', tmpDir: '/jobs/j1/tmp', home: '/jobs/j1/home' };
  const parent: NodeJS.ProcessEnv = {
    PATH: '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    HOME: '/root',
    TMPDIR: '/tmp',
    CODEX_HOME: '/root/.codex',
    API_KEYS: 'alice:alice-key',
    ADMIN_KEYS: 'root',
    WEBHOOK_SECRET: 'whsec_abc',
    OPENAI_API_KEY: 'sk-live',
    GOOGLE_APPLICATION_CREDENTIALS: '/secrets/sa.json',
    GOOGLE_CLOUD_PROJECT: 'prod',
    FIRESTORE_EMULATOR_HOST: '127.0.0.1:8081',
    STRIPE_KEY: 'x',
    DB_SECRET_VALUE: 'x',
    GITHUB_TOKEN: 'x',
    NPM_TOKEN_FILE: 'x',
    SOME_OTHER: 'x',
  };

  it('drops every secret and function variable and keeps PATH', () => {
    const env = scrubbedEnv(parent, dirs);
    assert.deepEqual(Object.keys(env).sort(), ['CODEX_HOME', 'HOME', 'LANG', 'PATH', 'TMPDIR']);
    assert.equal(env.PATH, '/usr/bin:/bin');
    for (const value of Object.values(env)) {
      assert.ok(!['alice:alice-key', 'whsec_abc', 'sk-live', '/secrets/sa.json', 'prod'].includes(value!), value);
    }
  });

  it('points HOME, CODEX_HOME and TMPDIR at the job dirs', () => {
    const env = scrubbedEnv(parent, dirs);
    assert.equal(env.HOME, dirs.home);
    assert.equal(env.CODEX_HOME, dirs.codexHome);
    assert.equal(env.TMPDIR, dirs.tmpDir);
  });

  it('gives a PATH even when the parent has none', () => {
    const env = scrubbedEnv({ OPENAI_API_KEY: 'sk' }, dirs);
    assert.ok(env.PATH && env.PATH.includes('/usr/bin'));
    assert.equal(env.OPENAI_API_KEY, undefined);
  });
});
