// The environments' configuration: ENV_SECRETS_KEY (32-byte keys, hex or base64, a list for rotation,
// never echoed), ENV_CACHE_MAX_BYTES and ENV_CACHE_TTL_DAYS defaults, NETWORK_PRIVATE_ALLOWLIST
// (hosts, addresses, CIDR ranges; a metadata server never, however written).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, parseConfig } from '../../../shared/config.js';

function configError(env: Record<string, string>): ConfigError {
  try {
    parseConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail(`parseConfig accepted ${JSON.stringify(env)}`);
}

describe('environment variables: defaults', () => {
  const c = parseConfig({});
  it('has the contract defaults', () => {
    assert.equal(c.ENV_SECRETS_KEY, undefined);
    assert.equal(c.ENV_CACHE_MAX_BYTES, 2_147_483_648);
    assert.equal(c.ENV_CACHE_TTL_DAYS, 7);
    assert.deepEqual(c.NETWORK_PRIVATE_ALLOWLIST, []);
  });
  it('parses given values', () => {
    const given = parseConfig({ ENV_CACHE_MAX_BYTES: '1048576', ENV_CACHE_TTL_DAYS: '3', NETWORK_PRIVATE_ALLOWLIST: '127.0.0.1, 127.0.0.2,registry.internal.example,10.0.0.0/8,::1' });
    assert.equal(given.ENV_CACHE_MAX_BYTES, 1_048_576);
    assert.equal(given.ENV_CACHE_TTL_DAYS, 3);
    assert.deepEqual(given.NETWORK_PRIVATE_ALLOWLIST, ['127.0.0.1', '127.0.0.2', 'registry.internal.example', '10.0.0.0/8', '::1']);
  });
  for (const [name, value] of [['ENV_CACHE_MAX_BYTES', 'lots'], ['ENV_CACHE_MAX_BYTES', '-1'], ['ENV_CACHE_TTL_DAYS', '0']] as const) {
    it(`${name}=${value} names ${name}`, () => assert.match(configError({ [name]: value }).message, new RegExp(`\\b${name}\\b`)));
  }
});

describe('ENV_SECRETS_KEY', () => {
  const hex = 'ab'.repeat(32);
  const base64 = Buffer.alloc(32, 9).toString('base64');
  it('takes 64 hex digits, base64 of 32 bytes, or a comma-separated list of them (rotation)', () => {
    assert.equal(parseConfig({ ENV_SECRETS_KEY: hex }).ENV_SECRETS_KEY, hex);
    assert.equal(parseConfig({ ENV_SECRETS_KEY: base64 }).ENV_SECRETS_KEY, base64);
    assert.equal(parseConfig({ ENV_SECRETS_KEY: `${base64},${hex}` }).ENV_SECRETS_KEY, `${base64},${hex}`);
  });
  for (const bad of ['not-a-key-at-all!!', 'ab'.repeat(31), Buffer.alloc(16, 1).toString('base64'), `${hex},short`]) {
    it(`refuses a key that is not 32 bytes, naming ENV_SECRETS_KEY without echoing it (${bad.length} chars)`, () => {
      const err = configError({ ENV_SECRETS_KEY: bad });
      assert.match(err.message, /\bENV_SECRETS_KEY\b/);
      assert.match(err.message, /32 bytes/);
      for (const part of bad.split(',')) assert.ok(!err.message.includes(part), `the message echoes the key: ${err.message}`);
    });
  }
});

describe('NETWORK_PRIVATE_ALLOWLIST', () => {
  const metadata = ['169.254.169.254', 'metadata.google.internal', 'METADATA.GOOGLE.INTERNAL.', 'metadata', 'fd00:ec2::254', 'fd00:ec2:0:0:0:0:0:254', '::ffff:169.254.169.254', '169.254.0.0/16', '0.0.0.0/0', 'fd00::/8', '169.254.170.2', '100.100.100.200'];
  for (const entry of metadata) {
    it(`can never list the metadata server (${entry})`, () => {
      const err = configError({ NETWORK_PRIVATE_ALLOWLIST: `127.0.0.1,${entry}` });
      assert.match(err.message, /\bNETWORK_PRIVATE_ALLOWLIST\b/);
      assert.match(err.message, /metadata/);
    });
  }
  for (const bad of ['http://127.0.0.1', '10.0.0.0/33', 'bad_host', '*.example.com', '127.0.0.1:8080']) {
    it(`refuses an entry that is not a host, address or range (${bad})`, () => {
      assert.match(configError({ NETWORK_PRIVATE_ALLOWLIST: bad }).message, /\bNETWORK_PRIVATE_ALLOWLIST\b.*not a/);
    });
  }
  it('takes link-local and private ranges that leave the metadata addresses out', () => {
    assert.deepEqual(parseConfig({ NETWORK_PRIVATE_ALLOWLIST: '169.254.1.0/24,192.168.0.0/16,fd12::/16' }).NETWORK_PRIVATE_ALLOWLIST, ['169.254.1.0/24', '192.168.0.0/16', 'fd12::/16']);
  });
});
