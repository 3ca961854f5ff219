// The egress policy decides on the requested name and on every address it resolves to, and the proxy
// connects to the checked address: a name that resolves to a private address (DNS rebinding) is
// refused unless the operator listed it, metadata servers never pass, methods and wildcards hold.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { startEgressProxy } from '../../../shared/environment/egress-proxy.js';
import { NetworkEvents } from '../../../shared/environment/network-events.js';
import { compileEgressPolicy } from '../../../shared/environment/network-policy.js';

const dns: Record<string, string[]> = {
  'registry.example.com': ['93.184.216.34'],
  'rebind.example.com': ['93.184.216.34', '127.0.0.1'],
  'internal.example.com': ['10.0.0.7'],
  'meta.example.com': ['169.254.169.254'],
  'local-registry.test': ['127.0.0.1'],
};
const resolve = async (host: string) => {
  const found = dns[host];
  if (!found) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return found;
};

test('"on" lets public hosts through and refuses private, loopback and metadata addresses, by name or after resolution', async () => {
  const p = compileEgressPolicy('on', { privateAllowlist: [], resolve });
  assert.deepEqual(await p.decide('registry.example.com', 443, 'CONNECT'), { allowed: true, addresses: ['93.184.216.34'] });
  for (const host of ['rebind.example.com', 'internal.example.com', '127.0.0.1', '10.1.2.3', '[::1]', 'localhost', 'meta.example.com', '169.254.169.254', 'metadata.google.internal', '::ffff:169.254.169.254']) {
    const d = await p.decide(host, 80, 'GET');
    assert.equal(d.allowed, false, host);
    assert.deepEqual(d.addresses, []);
  }
  assert.match((await p.decide('rebind.example.com', 80, 'GET')).reason!, /127\.0\.0\.1/);
});

test('NETWORK_PRIVATE_ALLOWLIST opens listed private hosts, addresses and ranges, never a metadata server', async () => {
  const p = compileEgressPolicy('on', { privateAllowlist: ['127.0.0.1', '10.0.0.0/8', 'local-registry.test', '169.254.169.254'], resolve });
  assert.equal((await p.decide('127.0.0.1', 4873, 'GET')).allowed, true);
  assert.equal((await p.decide('internal.example.com', 443, 'CONNECT')).allowed, true);
  assert.equal((await p.decide('local-registry.test', 80, 'GET')).allowed, true);
  assert.equal((await p.decide('127.0.0.2', 80, 'GET')).allowed, false);
  assert.equal((await p.decide('169.254.169.254', 80, 'GET')).allowed, false);
  assert.equal((await p.decide('meta.example.com', 80, 'GET')).allowed, false);
});

test('an allow list admits only its hosts and *. subdomains, the preset expands, and methods are enforced (CONNECT included)', async () => {
  const p = compileEgressPolicy({ allow: ['*.example.com', '@common-dependencies', '169.254.169.254'], methods: ['GET', 'HEAD'] }, { privateAllowlist: [], resolve: async () => ['93.184.216.34'] });
  assert.equal((await p.decide('registry.example.com', 80, 'GET')).allowed, true);
  assert.equal((await p.decide('example.com', 80, 'GET')).allowed, false, 'a wildcard names subdomains only');
  assert.equal((await p.decide('registry.npmjs.org', 80, 'HEAD')).allowed, true);
  assert.equal((await p.decide('evil.org', 80, 'GET')).allowed, false);
  assert.match((await p.decide('registry.example.com', 80, 'POST')).reason!, /POST/);
  assert.match((await p.decide('registry.example.com', 443, 'CONNECT')).reason!, /CONNECT/);
  assert.match((await p.decide('169.254.169.254', 80, 'GET')).reason!, /metadata/);
  assert.equal((await compileEgressPolicy('off', { privateAllowlist: [], resolve }).decide('registry.example.com', 80, 'GET')).allowed, false);
});

test('the proxy connects to the address it checked, not to a name resolved again, and records one event per host and decision', async () => {
  const target = http.createServer((req, res) => res.end(`reached ${req.headers.host} ${req.url}`));
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const port = (target.address() as AddressInfo).port;
  const recorded: Record<string, unknown>[] = [];
  const events = new NetworkEvents((_t, d) => recorded.push(d));
  // The name exists only for the policy's resolver: a connection that resolved it again would fail.
  const policy = compileEgressPolicy({ allow: ['local-registry.test'] }, { privateAllowlist: ['127.0.0.1'], resolve });
  const proxy = await startEgressProxy({ listen: { port: 0 }, policy, phase: 'agent', events });
  const viaProxy = (url: string, method = 'GET') =>
    new Promise<{ status: number; body: string }>((ok, fail) => {
      const req = http.request({ host: '127.0.0.1', port: proxy.address as number, method, path: url, headers: { host: new URL(url).host } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', fail);
      req.end();
    });
  try {
    const answered = await viaProxy(`http://local-registry.test:${port}/pkg`);
    assert.equal(answered.status, 200);
    assert.equal(answered.body, `reached local-registry.test:${port} /pkg`);
    await viaProxy(`http://local-registry.test:${port}/again`);
    const refused = await viaProxy(`http://other.test:${port}/x`);
    assert.equal(refused.status, 403);
    assert.deepEqual(recorded, [
      { phase: 'agent', host: 'local-registry.test', port, method: 'GET', allowed: true },
      { phase: 'agent', host: 'other.test', port, method: 'GET', allowed: false, reason: 'the host is not in the allow list' },
    ]);
  } finally {
    await proxy.close();
    await new Promise<void>((r) => target.close(() => r()));
  }
});

test('network events stop at 200 per job, the last one saying that more were left out', () => {
  const recorded: Record<string, unknown>[] = [];
  const events = new NetworkEvents((_t, d) => recorded.push(d));
  for (let i = 0; i < 300; i++) events.record({ phase: 'setup', host: `h${i}.example.com`, port: 443, method: 'CONNECT', allowed: true });
  assert.equal(recorded.length, 200);
  assert.match(String(recorded.at(-1)!.reason), /more hosts/);
});
