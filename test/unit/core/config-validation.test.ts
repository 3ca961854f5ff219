// Configuration: defaults, bad values named in the error (secrets never echoed), API key hashing,
// and a bad value stopping a function's start-up.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError, parseConfig } from '../../../shared/config.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const repoDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function configError(env: Record<string, string>): ConfigError {
  try {
    parseConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail(`parseConfig accepted ${JSON.stringify(Object.keys(env))}`);
}

describe('parseConfig defaults', () => {
  const c = parseConfig({ GOOGLE_CLOUD_PROJECT: 'proj-a' });

  it('names the topics as the contract does', () => {
    assert.equal(c.JOBS_TOPIC, 'codex-jobs');
    assert.equal(c.PRIORITY_JOBS_TOPIC, 'codex-jobs-priority');
    assert.equal(c.RESULTS_TOPIC, 'codex-results');
    assert.equal(c.SCHEDULES_TOPIC, 'codex-schedules');
    assert.equal(c.STORAGE_EVENTS_TOPIC, 'codex-storage-events');
  });

  it('derives bucket names from GOOGLE_CLOUD_PROJECT unless given', () => {
    assert.equal(c.UPLOADS_BUCKET, 'proj-a-codex-uploads');
    assert.equal(c.OUTPUTS_BUCKET, 'proj-a-codex-outputs');
    assert.equal(c.RESULTS_BUCKET, 'proj-a-codex-results');
    const other = parseConfig({ GOOGLE_CLOUD_PROJECT: 'proj-b', OUTPUTS_BUCKET: 'my-outputs' });
    assert.equal(other.UPLOADS_BUCKET, 'proj-b-codex-uploads');
    assert.equal(other.OUTPUTS_BUCKET, 'my-outputs');
  });

  it('has the contract limits and codex settings', () => {
    assert.equal(c.MAX_JOB_TIMEOUT_MS, 480_000);
    assert.equal(c.MAX_ATTEMPTS, 3);
    assert.equal(c.JOB_TTL_DAYS, 30);
    assert.deepEqual(c.WEBHOOK_RETRY_DELAYS, [1000, 5000, 15000]);
    assert.equal(c.WEBHOOK_TIMEOUT_MS, 15_000);
    assert.equal(c.RATE_LIMIT_PER_MINUTE, 100);
    assert.equal(c.CODEX_SANDBOX, 'workspace-write');
    assert.equal(c.LOG_LEVEL, 'INFO');
    assert.equal(c.ALLOW_INSECURE_CALLBACKS, false);
    assert.deepEqual(c.API_KEYS, []);
    assert.deepEqual(c.WEBHOOK_SECRET, []);
    assert.equal(c.OPENAI_API_KEY, undefined);
    assert.ok(c.CODEX_BIN.length > 0);
  });

  it('treats an empty value as unset', () => {
    const e = parseConfig({ MAX_JOB_TIMEOUT_MS: '', CODEX_SANDBOX: '', GOOGLE_CLOUD_PROJECT: '' });
    assert.equal(e.MAX_JOB_TIMEOUT_MS, 480_000);
    assert.equal(e.CODEX_SANDBOX, 'workspace-write');
    assert.equal(e.GOOGLE_CLOUD_PROJECT, 'codex-jobs-local');
  });

  it('parses given values', () => {
    const e = parseConfig({ MAX_JOB_TIMEOUT_MS: '540000', WEBHOOK_RETRY_DELAYS: '10, 20 30', LOG_LEVEL: 'debug', CODEX_SANDBOX: 'read-only', ALLOW_INSECURE_CALLBACKS: '1' });
    assert.equal(e.MAX_JOB_TIMEOUT_MS, 540_000);
    assert.deepEqual(e.WEBHOOK_RETRY_DELAYS, [10, 20, 30]);
    assert.equal(e.LOG_LEVEL, 'DEBUG');
    assert.equal(e.CODEX_SANDBOX, 'read-only');
    assert.equal(e.ALLOW_INSECURE_CALLBACKS, true);
  });
});

describe('MAX_JOB_TIMEOUT_MS on the push lanes', () => {
  it('is at most 540 000: above it the error names the variable and the push-request limit', () => {
    assert.equal(parseConfig({ MAX_JOB_TIMEOUT_MS: '540000' }).MAX_JOB_TIMEOUT_MS, 540_000);
    const err = configError({ MAX_JOB_TIMEOUT_MS: '600000' });
    assert.match(err.message, /MAX_JOB_TIMEOUT_MS="600000": at most 540000 on the push lanes/);
  });

  it('has the sweeper settings of the contract by default', () => {
    const c = parseConfig({});
    assert.equal(c.SWEEPS_TOPIC, 'codex-sweeps');
    assert.equal(c.SWEEP_BATCH, 500);
    assert.equal(c.SWEEP_INTERVAL_MS, 60_000);
    assert.equal(c.WEBHOOK_RESEND_AFTER_MS, 900_000);
  });
});

describe('parseConfig bad values', () => {
  const cases: [string, string][] = [
    ['MAX_JOB_TIMEOUT_MS', 'abc'],
    ['MAX_JOB_TIMEOUT_MS', '99999999'],
    ['MAX_JOB_TIMEOUT_MS', '999'],
    ['MAX_JOB_TIMEOUT_MS', '540001'],
    ['SWEEP_BATCH', '0'],
    ['SWEEP_INTERVAL_MS', 'often'],
    ['WEBHOOK_RESEND_AFTER_MS', '9999'],
    ['MAX_ATTEMPTS', '0'],
    ['CODEX_SANDBOX', 'bogus'],
    ['LOG_LEVEL', 'loud'],
    ['CODEX_PROVIDER_BASE_URL', 'ftp://x'],
    ['WEBHOOK_RETRY_DELAYS', '1000,soon'],
  ];
  for (const [name, value] of cases) {
    it(`${name}=${value} throws a ConfigError naming ${name}`, () => {
      const err = configError({ [name]: value });
      assert.match(err.message, new RegExp(`\\b${name}\\b`));
    });
  }

  const secretCases: [string, string][] = [
    ['WEBHOOK_SECRET', 'nope'],
    ['WEBHOOK_SECRET', 'whsec_c2hvcnQ='], // valid shape, decodes to < 16 bytes
    ['API_KEYS', 'broken'],
    ['API_KEYS', 'alice:alice-private-key,broken'],
  ];
  for (const [name, value] of secretCases) {
    it(`${name}=<bad> names ${name} without echoing its value`, () => {
      const err = configError({ [name]: value });
      assert.match(err.message, new RegExp(`\\b${name}\\b`));
      assert.ok(!err.message.includes(value), `the message echoes the value: ${err.message}`);
      for (const part of value.split(/[,:]/).filter((p) => p.length >= 4)) {
        assert.ok(!err.message.includes(part), `the message echoes "${part}": ${err.message}`);
      }
    });
  }

  it('never echoes the secrets of valid variables when another one is bad', () => {
    const secrets = {
      API_KEYS: 'alice:alice-very-secret-key',
      WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      OPENAI_API_KEY: 'sk-test-openai-secret-123',
    };
    const err = configError({ ...secrets, MAX_JOB_TIMEOUT_MS: 'abc' });
    assert.match(err.message, /MAX_JOB_TIMEOUT_MS/);
    for (const v of ['alice-very-secret-key', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'sk-test-openai-secret-123']) {
      assert.ok(!err.message.includes(v), `secret leaked: ${err.message}`);
    }
  });

  it('names every bad variable at once', () => {
    const err = configError({ MAX_JOB_TIMEOUT_MS: 'abc', CODEX_SANDBOX: 'bogus', LOG_LEVEL: 'loud' });
    for (const name of ['MAX_JOB_TIMEOUT_MS', 'CODEX_SANDBOX', 'LOG_LEVEL']) assert.match(err.message, new RegExp(name));
  });
});

describe('API_KEYS', () => {
  it('keeps only the SHA-256 of name:key and name:sha256:<hex> entries', () => {
    const bobHash = sha256('bob-key');
    const c = parseConfig({ API_KEYS: `alice:alice-key, bob:sha256:${bobHash.toUpperCase()}` });
    assert.deepEqual(c.API_KEYS, [
      { name: 'alice', sha256: sha256('alice-key') },
      { name: 'bob', sha256: bobHash },
    ]);
    for (const entry of c.API_KEYS) assert.match(entry.sha256, /^[0-9a-f]{64}$/);
    assert.ok(!JSON.stringify(c.API_KEYS).includes('alice-key'));
  });

  it('hashes a key that contains colons as a whole', () => {
    const c = parseConfig({ API_KEYS: 'carol:a:b:c' });
    assert.deepEqual(c.API_KEYS, [{ name: 'carol', sha256: sha256('a:b:c') }]);
  });

  for (const reserved of ['storage', 'scheduler', 'system', 'system-ops', 'Storage', 'SYSTEM_x']) {
    it(`refuses the reserved key name ${reserved}, naming API_KEYS and not echoing the key`, () => {
      const err = configError({ API_KEYS: `alice:alice-key-1234,${reserved}:reserved-secret-key` });
      assert.match(err.message, /API_KEYS/);
      assert.match(err.message, /reserved/);
      assert.ok(err.message.includes(`"${reserved}"`), err.message);
      assert.ok(!err.message.includes('reserved-secret-key'), err.message);
    });
  }

  it('names that only contain a reserved word are fine', () => {
    const c = parseConfig({ API_KEYS: 'storage-team:k1,my-scheduler:k2,ecosystem:k3' });
    assert.deepEqual(c.API_KEYS.map((k) => k.name), ['storage-team', 'my-scheduler', 'ecosystem']);
  });

  it('refuses an entry without a key or a name', () => {
    assert.match(configError({ API_KEYS: 'alice:' }).message, /API_KEYS/);
    assert.match(configError({ API_KEYS: ':key' }).message, /API_KEYS/);
  });
});

describe('start-up with a bad value', () => {
  it('a function process exits non-zero naming MAX_JOB_TIMEOUT_MS', async () => {
    const script = path.join(repoDist, 'dev', 'serve-function.js');
    const module = path.join(repoDist, 'functions', 'processor', 'index.js');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      METADATA_SERVER_DETECTION: 'none',
      GOOGLE_CLOUD_PROJECT: 'config-startup-test',
      MAX_JOB_TIMEOUT_MS: 'abc',
      API_KEYS: 'alice:startup-secret-key',
    };
    for (const host of ['PUBSUB_EMULATOR_HOST', 'FIRESTORE_EMULATOR_HOST', 'STORAGE_EMULATOR_HOST']) {
      if (process.env[host]) env[host] = process.env[host];
    }
    const child = spawn(process.execPath, [script, 'processor', module, '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('close', (c, s) => resolve([c, s])));
    clearTimeout(timer);
    assert.equal(signal, null, `the process did not stop by itself (stdout: ${stdout})`);
    assert.notEqual(code, 0);
    assert.match(stderr, /MAX_JOB_TIMEOUT_MS/);
    assert.doesNotMatch(stdout, /listening/);
    assert.ok(!stderr.includes('startup-secret-key'));
  });
});
