// The callback_url check resolves DNS only for a request that was admitted (a known key within its
// rate limit), and never waits on DNS for longer than its timeout.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startApi, KEYS, type ApiServer } from './support/api-server.js';

type ErrorBody = { error: { code: string; message: string; details?: { field: string }[] } };

const lookups: string[] = [];
let api: ApiServer;
before(async () => {
  api = await startApi({
    env: { RATE_LIMIT_PER_MINUTE: '3' },
    limiterNow: () => Date.parse('2031-04-04T10:00:30.000Z'),
    tuning: { dnsLookupTimeoutMs: 100 },
    resolveHost: (host) => {
      lookups.push(host);
      // A resolver that never answers for this name: only the timeout ends the wait.
      return host === 'hangs.example.com' ? new Promise<string[]>(() => undefined) : Promise.resolve(['93.184.216.34']);
    },
  });
});
after(async () => {
  await api.close();
});

test('an unknown key never makes the API resolve a callback host', async () => {
  const res = await api.call<ErrorBody>('POST', '/jobs', { key: 'not-a-key', body: { prompt: 'x', callback_url: 'https://unauth.example.com/hook' } });
  assert.equal(res.status, 401);
  assert.ok(!lookups.includes('unauth.example.com'), `looked up: ${lookups.join(', ')}`);
});

// The test's own timeout makes a wait without a deadline fail here instead of hanging the run.
test('a lookup that never answers ends in a 400 naming callback_url, after the timeout', { timeout: 10_000 }, async () => {
  const res = await api.call<ErrorBody>('POST', '/jobs', { key: KEYS.bob, body: { prompt: 'x', callback_url: 'https://hangs.example.com/hook' } });
  assert.equal(res.status, 400);
  assert.equal(res.body.error.details?.[0]?.field, 'callback_url');
  assert.match(res.body.error.message, /could not be resolved \(ETIMEOUT\)/);
});

test('a key past its rate limit gets 429 without any lookup', async () => {
  for (let i = 0; i < 3; i++) {
    const ok = await api.call('POST', '/jobs', { key: KEYS.alice, body: { prompt: `admitted ${i}`, callback_url: `https://admitted-${i}.example.com/hook` } });
    assert.equal(ok.status, 202);
  }
  assert.deepEqual(lookups.filter((h) => h.startsWith('admitted-')).sort(), ['admitted-0.example.com', 'admitted-1.example.com', 'admitted-2.example.com']);
  const refused = await api.call<ErrorBody>('POST', '/jobs', { key: KEYS.alice, body: { prompt: 'over', callback_url: 'https://over-limit.example.com/hook' } });
  assert.equal(refused.status, 429);
  assert.ok(!lookups.includes('over-limit.example.com'), 'the refused request resolved nothing');
});
