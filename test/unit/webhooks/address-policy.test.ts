// The SSRF rules for callback URLs: a table of hostile URLs, each refused with a clear reason, and
// the URLs that must pass (public addresses, allow-listed hosts, addresses and ranges).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../../shared/config.js';
import { addressPolicyFromConfig, assertCallbackAllowed, CallbackUrlError, type AddressPolicy } from '../../../shared/webhooks/address-policy.js';

/** A fake DNS: names map to addresses; anything else is NXDOMAIN. */
const dns: Record<string, string[]> = {
  'hooks.example.com': ['93.184.216.34'],
  'dual.example.com': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
  'internal.example.com': ['10.0.0.5'],
  'mixed.example.com': ['93.184.216.34', '192.168.1.10'],
  'loop.example.com': ['127.0.0.1'],
  'meta.example.com': ['169.254.169.254'],
  'cgnat.example.com': ['100.100.1.1'],
  'ula.example.com': ['fd12:3456::1'],
  'mapped.example.com': ['::ffff:10.1.2.3'],
  'v6loop.example.com': ['::1'],
  'zero.example.com': ['0.0.0.0'],
  'garbage.example.com': ['not-an-address'],
  'empty.example.com': [],
  'receiver.test.example': ['127.0.0.1'],
  'compat.example.com': ['::7f00:1'],
  'nat64.example.com': ['64:ff9b::a9fe:a9fe'],
  'sitelocal.example.com': ['fec0::1'],
  'teredo.example.com': ['2001:0:4136:e378:8000:63bf:3fff:fdd2'],
  'sixtofour.example.com': ['2002:a00:1::1'],
  'doc.example.com': ['2001:db8::1'],
  'unassigned6.example.com': ['4000::1'],
  'benchmark.example.com': ['198.18.0.1'],
};
const resolve = async (host: string): Promise<string[]> => {
  const found = dns[host];
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return found;
};

const strict: AddressPolicy = { allowInsecure: false, allowlist: [] };
const insecure: AddressPolicy = { allowInsecure: true, allowlist: [] };

// [url, policy, words the reason must contain]
const hostile: Array<[string, AddressPolicy, RegExp]> = [
  ['http://hooks.example.com/cb', strict, /must use https/],
  ['ftp://hooks.example.com/cb', strict, /scheme ftp is not allowed/],
  ['file:///etc/passwd', strict, /scheme file is not allowed/],
  ['gopher://127.0.0.1:6379/_INFO', insecure, /scheme gopher/],
  ['javascript:alert(1)', strict, /scheme javascript/],
  ['not a url', strict, /not a valid absolute URL/],
  ['https://user:pw@hooks.example.com/', strict, /credentials/],
  ['https://127.0.0.1/', strict, /127\.0\.0\.1 is a loopback address/],
  ['https://127.9.9.9:8443/x', strict, /loopback/],
  ['https://localhost/', strict, /localhost is a loopback name/],
  ['https://LOCALHOST./', strict, /localhost is a loopback name/],
  ['https://app.localhost/', strict, /loopback name/],
  ['https://2130706433/', strict, /127\.0\.0\.1 is a loopback address/], // decimal
  ['https://0x7f000001/', strict, /127\.0\.0\.1 is a loopback/], // hex
  ['https://017700000001/', strict, /127\.0\.0\.1 is a loopback/], // octal
  ['https://0177.0.0.1/', strict, /127\.0\.0\.1 is a loopback/], // dotted octal
  ['https://0x7f.1/', strict, /127\.0\.0\.1 is a loopback/], // mixed short form
  ['https://127.1/', strict, /127\.0\.0\.1 is a loopback/],
  ['https://0/', strict, /0\.0\.0\.0 is an unspecified address/],
  ['https://0.0.0.0:8080/', strict, /unspecified/],
  ['https://10.0.0.1/', strict, /private \(RFC 1918\)/],
  ['https://172.16.5.4/', strict, /private \(RFC 1918\)/],
  ['https://192.168.0.1/', strict, /private \(RFC 1918\)/],
  ['https://100.64.0.1/', strict, /carrier-grade NAT/],
  ['https://169.254.169.254/computeMetadata/v1/', strict, /169\.254\.169\.254 is a link-local address/],
  ['https://0xa9fea9fe/', strict, /169\.254\.169\.254 is a link-local/], // the metadata address in hex
  ['https://metadata.google.internal/computeMetadata/v1/', strict, /metadata\.google\.internal is the cloud metadata server/],
  ['https://metadata.google.internal./', strict, /cloud metadata server/],
  ['https://metadata/', strict, /cloud metadata server/],
  ['https://db.corp.internal/', strict, /private-use name/],
  ['https://printer.local/', strict, /private-use name/],
  ['https://intranet/', strict, /single-label name/],
  ['https://255.255.255.255/', strict, /broadcast/],
  ['https://224.0.0.1/', strict, /multicast/],
  ['https://240.0.0.1/', strict, /reserved/],
  ['https://[::1]/', strict, /::1 is a loopback address/],
  ['https://[::]/', strict, /unspecified/],
  ['https://[fe80::1]/', strict, /link-local/],
  ['https://[fd00::1]/', strict, /unique-local/],
  ['https://[fc00::abcd]/', strict, /unique-local/],
  ['https://[ff02::1]/', strict, /multicast/],
  ['https://[::ffff:127.0.0.1]/', strict, /127\.0\.0\.1 is a loopback/], // IPv4-mapped
  ['https://[::ffff:a9fe:a9fe]/', strict, /169\.254\.169\.254 is a link-local/], // mapped, hex groups
  ['https://[::ffff:10.0.0.1]/', strict, /private/],
  ['https://[64:ff9b::a00:1]/', strict, /NAT64/],
  ['https://[2002:7f00:1::]/', strict, /6to4/],
  ['https://internal.example.com/', strict, /resolves to 10\.0\.0\.5, a private/],
  ['https://mixed.example.com/', strict, /resolves to 192\.168\.1\.10, a private/],
  ['https://loop.example.com/', strict, /resolves to 127\.0\.0\.1, a loopback/],
  ['https://meta.example.com/', strict, /resolves to 169\.254\.169\.254, a link-local/],
  ['https://cgnat.example.com/', strict, /carrier-grade NAT/],
  ['https://ula.example.com/', strict, /resolves to fd12:3456::1, a unique-local/],
  ['https://mapped.example.com/', strict, /resolves to 10\.1\.2\.3, a private/],
  ['https://v6loop.example.com/', strict, /resolves to ::1, a loopback/],
  ['https://zero.example.com/', strict, /unspecified/],
  ['https://garbage.example.com/', strict, /not an IP address/],
  ['https://empty.example.com/', strict, /resolved to no address/],
  ['https://nxdomain.example.com/', strict, /could not be resolved \(ENOTFOUND\)/],
  ['https://hooks.example.com/' + 'a'.repeat(2100), strict, /longer than 2048/],
  // IPv4-compatible IPv6 (::/96): the URL parser writes [::127.0.0.1] as [::7f00:1].
  ['https://[::7f00:1]/', strict, /IPv4-compatible \(::\/96\)/],
  ['https://[::127.0.0.1]/', strict, /IPv4-compatible|loopback/],
  ['https://[::a00:1]/', strict, /IPv4-compatible/],
  ['https://[::a9fe:a9fe]/', strict, /IPv4-compatible/],
  ['https://[0:0:0:0:0:0:7f00:1]/', strict, /IPv4-compatible/],
  ['https://[::808:808]/', strict, /IPv4-compatible/], // even a public IPv4 inside: the form is deprecated
  ['https://compat.example.com/', strict, /resolves to ::7f00:1, an IPv4-compatible/],
  // IPv4-mapped in other spellings.
  ['https://[::ffff:7f00:1]/', strict, /127\.0\.0\.1 is a loopback/],
  ['https://[0:0:0:0:0:ffff:127.0.0.1]/', strict, /loopback/],
  ['https://[::ffff:169.254.169.254]/', strict, /link-local/],
  ['https://[::ffff:192.168.1.1]/', strict, /private/],
  ['https://[::ffff:0:7f00:1]/', strict, /IPv4-translated/], // RFC 6145
  // NAT64 (well-known and local-use prefixes), 6to4, Teredo.
  ['https://[64:ff9b::7f00:1]/', strict, /NAT64/],
  ['https://[64:ff9b::169.254.169.254]/', strict, /NAT64/],
  ['https://[64:ff9b:1::a00:1]/', strict, /NAT64/],
  ['https://nat64.example.com/', strict, /NAT64/],
  ['https://[2002:a9fe:a9fe::1]/', strict, /6to4/],
  ['https://sixtofour.example.com/', strict, /6to4/],
  ['https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', strict, /Teredo/],
  ['https://teredo.example.com/', strict, /Teredo/],
  // Site-local, discard, documentation, ORCHID, benchmarking, segment routing, unassigned space.
  ['https://[fec0::1]/', strict, /site-local/],
  ['https://[feff::1]/', strict, /site-local|special-purpose|outside global unicast/],
  ['https://sitelocal.example.com/', strict, /site-local/],
  ['https://[100::1]/', strict, /discard-only/],
  ['https://[2001:db8::1]/', strict, /reserved/],
  ['https://doc.example.com/', strict, /reserved/],
  ['https://[2001:10::1]/', strict, /ORCHID/],
  ['https://[2001:20::1]/', strict, /ORCHID/],
  ['https://[2001:2::1]/', strict, /benchmarking/],
  ['https://[5f00::1]/', strict, /segment-routing/],
  ['https://[4000::1]/', strict, /outside global unicast/],
  ['https://[1::1]/', strict, /outside global unicast/],
  ['https://unassigned6.example.com/', strict, /outside global unicast/],
  ['https://[fe80::1%25eth0]/', strict, /not a valid absolute URL|link-local/],
  // IPv4 special-purpose blocks.
  ['https://192.0.0.1/', strict, /reserved/],
  ['https://192.0.2.10/', strict, /reserved/],
  ['https://198.18.0.1/', strict, /reserved|benchmarking/],
  ['https://benchmark.example.com/', strict, /reserved|benchmarking/],
  ['https://198.51.100.7/', strict, /reserved/],
  ['https://203.0.113.9/', strict, /reserved/],
  ['https://192.88.99.1/', strict, /reserved/],
  ['https://0.1.2.3/', strict, /unspecified/],
  ['https://100.127.255.254/', strict, /carrier-grade NAT/],
  ['https://172.31.255.255/', strict, /private/],
  ['https://169.254.0.1/', strict, /link-local/],
  ['https://239.255.255.250/', strict, /multicast/],
  ['https://0xA9.0xFE.0xA9.0xFE/', strict, /169\.254\.169\.254 is a link-local/], // hex per octet
  ['https://169.254.43518/', strict, /169\.254\.169\.254 is a link-local/], // two-part short form
  ['https://%31%32%37.0.0.1/', strict, /127\.0\.0\.1 is a loopback/], // percent-encoded host
  ['https://127.0.0.1.nip.io.localhost/', strict, /loopback name/],
  ['https://metadata.goog/', strict, /cloud metadata server/],
  ['https://router.home.arpa/', strict, /private-use name/],
  ['HTTPS://[::1]:443/', strict, /loopback/],
  ['data:text/plain,hi', strict, /scheme data/],
  ['ws://hooks.example.com/', strict, /scheme ws/],
  ['https://:pw@hooks.example.com/', strict, /credentials/],
  // An allowlist for one address does not open its neighbours.
  ['http://127.0.0.2/', { allowInsecure: true, allowlist: ['127.0.0.1'] }, /loopback/],
  ['https://internal.example.com/', { allowInsecure: false, allowlist: ['10.0.1.0/24'] }, /private/],
];

test(`${hostile.length} hostile callback URLs are each refused with a reason naming the problem`, async () => {
  assert.ok(hostile.length >= 80, `${hostile.length} forms`);
  for (const [url, policy, reason] of hostile) {
    await assert.rejects(
      assertCallbackAllowed(url, policy, resolve),
      (err: unknown) => {
        assert.ok(err instanceof CallbackUrlError, `${url}: a CallbackUrlError`);
        assert.match(err.message, reason, `${url}: reason`);
        assert.match(err.message, /^callback_url /, `${url}: the message names the field`);
        return true;
      },
      url,
    );
  }
});

test('public URLs pass and return the checked addresses to connect to', async () => {
  assert.deepEqual((await assertCallbackAllowed('https://hooks.example.com/cb?x=1', strict, resolve)).addresses, ['93.184.216.34']);
  assert.deepEqual((await assertCallbackAllowed('https://dual.example.com/', strict, resolve)).addresses, ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946']);
  assert.deepEqual((await assertCallbackAllowed('https://8.8.8.8:8443/', strict, resolve)).addresses, ['8.8.8.8']);
  assert.deepEqual((await assertCallbackAllowed('https://[2606:4700::1111]/', strict, resolve)).addresses, ['2606:4700::1111']);
  // A mapped public address is judged (and connected to) as its IPv4 address.
  assert.deepEqual((await assertCallbackAllowed('https://[::ffff:8.8.8.8]/', strict, resolve)).addresses, ['8.8.8.8']);
  const { url } = await assertCallbackAllowed('https://HOOKS.example.com./cb', strict, resolve);
  assert.equal(url.hostname, 'hooks.example.com.');
});

test('http to 127.0.0.1 is allowed only with ALLOW_INSECURE_CALLBACKS=1 and 127.0.0.1 in CALLBACK_ALLOWLIST', async () => {
  const allowed = addressPolicyFromConfig(parseConfig({ ALLOW_INSECURE_CALLBACKS: '1', CALLBACK_ALLOWLIST: '127.0.0.1' }));
  assert.deepEqual(allowed, { allowInsecure: true, allowlist: ['127.0.0.1'] });
  assert.deepEqual((await assertCallbackAllowed('http://127.0.0.1:9999/hook', allowed, resolve)).addresses, ['127.0.0.1']);
  // Other spellings of the same address are the same address.
  assert.deepEqual((await assertCallbackAllowed('http://2130706433:9999/hook', allowed, resolve)).addresses, ['127.0.0.1']);
  // A name resolving to it is allowed because the address is listed.
  assert.deepEqual((await assertCallbackAllowed('http://receiver.test.example:9999/', allowed, resolve)).addresses, ['127.0.0.1']);

  const secureOnly = addressPolicyFromConfig(parseConfig({ CALLBACK_ALLOWLIST: '127.0.0.1' }));
  await assert.rejects(assertCallbackAllowed('http://127.0.0.1:9999/hook', secureOnly, resolve), /must use https/);
  const notListed = addressPolicyFromConfig(parseConfig({ ALLOW_INSECURE_CALLBACKS: '1' }));
  await assert.rejects(assertCallbackAllowed('http://127.0.0.1:9999/hook', notListed, resolve), /loopback/);
});

test('CALLBACK_ALLOWLIST takes hostnames, wildcard names, addresses and CIDR ranges', async () => {
  const policy: AddressPolicy = { allowInsecure: false, allowlist: ['internal.example.com', '*.local', '10.0.0.0/8', 'fd12::/16', '::ffff:192.168.1.0/120', 'metadata.google.internal'] };
  assert.deepEqual((await assertCallbackAllowed('https://internal.example.com/', policy, resolve)).addresses, ['10.0.0.5']);
  assert.deepEqual((await assertCallbackAllowed('https://10.200.0.1/', policy, resolve)).addresses, ['10.200.0.1']);
  assert.deepEqual((await assertCallbackAllowed('https://ula.example.com/', policy, resolve)).addresses, ['fd12:3456::1']);
  assert.deepEqual((await assertCallbackAllowed('https://mixed.example.com/', policy, resolve)).addresses, ['93.184.216.34', '192.168.1.10']);
  // A listed name skips the name rule, yet it still has to resolve.
  await assert.rejects(assertCallbackAllowed('https://metadata.google.internal/', policy, resolve), /could not be resolved/);
  await assert.rejects(assertCallbackAllowed('https://printer.local/', policy, resolve), /could not be resolved/);
  // Not listed: still refused.
  await assert.rejects(assertCallbackAllowed('https://172.16.0.1/', policy, resolve), /private/);
});

test('a lookup that never answers is cut off by the timeout and counts as unresolvable', async () => {
  const never = () => new Promise<string[]>(() => undefined);
  await assert.rejects(assertCallbackAllowed('https://slow.example.com/', strict, never, { timeoutMs: 50 }), (err: unknown) => {
    assert.ok(err instanceof CallbackUrlError);
    assert.equal(err.problem, 'unresolvable');
    assert.match(err.message, /could not be resolved \(ETIMEOUT\): lookup timed out after 50 ms/);
    return true;
  });
});

test('only an unresolvable name is marked as a problem that may pass later', async () => {
  const problems = [];
  for (const url of ['https://nxdomain.example.com/', 'https://10.0.0.1/', 'http://hooks.example.com/', 'https://localhost/']) {
    try {
      await assertCallbackAllowed(url, strict, resolve);
    } catch (err) {
      problems.push((err as CallbackUrlError).problem);
    }
  }
  assert.deepEqual(problems, ['unresolvable', 'address', 'scheme', 'hostname']);
});
