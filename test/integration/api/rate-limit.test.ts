// The per-key rate limit is leased from Firestore, so every instance shares it: past
// RATE_LIMIT_PER_MINUTE a key gets 429 with Retry-After, from whichever instance it calls; other
// keys are unaffected; /health is not counted. A burst over several instances admits no more than
// the limit (the claim is: at most the limit plus one instance's lease).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Timestamp } from '@google-cloud/firestore';
import { FirestoreRateLimiter, maxLease } from '../../../shared/api/rate-limit.js';
import { apiDeps } from '../../../shared/api/api-runtime.js';
import { createApiHandler } from '../../../shared/api/api-app.js';
import * as functions from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { AddressInfo } from 'node:net';
import { startApi, KEYS, type ApiServer } from './support/api-server.js';
import { assertResponsesMatchDocument, recordResponse } from './support/openapi-conformance.js';

let api: ApiServer;
let secondUrl: string;
let closeSecond: () => Promise<void>;
before(async () => {
  // One fixed minute for both instances, so the test never straddles two windows.
  const now = () => Date.parse('2031-04-04T10:00:30.000Z');
  api = await startApi({ env: { RATE_LIMIT_PER_MINUTE: '6' }, limiterNow: now });
  // A second instance on the same project: its own process memory, the same Firestore.
  const deps = apiDeps(api.env.config, { firestore: api.env.firestore, pubsub: api.env.pubsub, blobs: api.deps.blobs, limiter: new FirestoreRateLimiter(api.env.firestore, 6, now) });
  functions.http('enqueue-second-instance', createApiHandler(deps));
  const server = getTestServer('enqueue-second-instance');
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  secondUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closeSecond = () => new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections());
});
after(async () => {
  await closeSecond();
  await api.close();
});

// A timeout of its own: an over-admitting limiter leases less than 6, and storedCount would wait forever.
test('the limit is shared by instances; past it a key gets 429 with Retry-After; other keys are unaffected', { timeout: 20_000 }, async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) {
    const url = i % 2 ? secondUrl : api.url;
    const res = await fetch(`${url}/jobs?limit=1`, { headers: { 'x-api-key': KEYS.alice } });
    statuses.push(res.status);
  }
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200]);
  await storedCount('alice', 6);
  for (const url of [api.url, secondUrl]) {
    const res = await fetch(`${url}/jobs`, { headers: { 'x-api-key': KEYS.alice } });
    const body = (await res.json()) as { error: { code: string } };
    recordResponse({ method: 'GET', path: '/jobs', status: res.status, contentType: res.headers.get('content-type')!, body });
    assert.equal(res.status, 429);
    assert.equal(body.error.code, 'rate_limited');
    const retryAfter = Number(res.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
  }
  // A job submitted past the limit is refused, and not created.
  const refused = await api.call<{ error: { code: string } }>('POST', '/jobs', { body: { prompt: 'over the limit' } });
  assert.equal(refused.status, 429);
  assert.equal((await api.env.firestore.collection('jobs').where('owner', '==', 'alice').count().get()).data().count, 0);
  assert.equal((await api.call('GET', '/jobs', { key: KEYS.bob })).status, 200);
  assert.equal((await api.call('GET', '/health', { key: null })).status, 200);
});

/** Resolves when the key's counter documents reach `n` (a listener, not polling). */
function storedCount(key: string, n: number): Promise<void> {
  return new Promise((resolve) => {
    const stop = api.env.firestore
      .collection('rate_limits')
      .where('key', '==', key)
      .onSnapshot((snap) => {
        if (snap.docs.reduce((sum, d) => sum + Number(d.get('leased')), 0) >= n) {
          stop();
          resolve();
        }
      });
  });
}

test('the counter is one document per key and minute, with a TTL field', async () => {
  const docs = await api.env.firestore.collection('rate_limits').where('key', '==', 'alice').get();
  assert.equal(docs.size >= 1, true);
  const doc = docs.docs[0]!;
  assert.equal(doc.get('leased'), 6, 'never more leased than the limit');
  assert.ok(doc.get('expire_at') instanceof Timestamp);
});

test('a new minute starts a new window; a spent minute is refused without asking Firestore', async () => {
  let now = Date.parse('2031-05-05T10:00:30.000Z');
  const limiter = new FirestoreRateLimiter(api.env.firestore, 4, () => now);
  assert.equal(limiter.decideNow('carol'), undefined, 'no budget yet: a lease is needed');
  const first = await limiter.take('carol');
  assert.deepEqual([first.allowed, first.retryAfterSeconds], [true, 30]);
  for (let i = 0; i < 3; i++) assert.equal((await limiter.take('carol')).allowed, true);
  assert.equal((await limiter.take('carol')).allowed, false);
  assert.equal(limiter.decideNow('carol')?.allowed, false, 'the spent minute is known locally');
  now += 60_000;
  assert.equal((await limiter.take('carol')).allowed, true);
  // Concurrent takes on one instance: exactly the limit admitted.
  const many = await Promise.all(Array.from({ length: 10 }, () => limiter.take('dave')));
  assert.equal(many.filter((d) => d.allowed).length, 4);
});

test('a burst over 4 instances admits no more than the limit plus one instance’s lease', async () => {
  const limit = 200;
  const now = Date.parse('2031-06-06T10:00:10.000Z');
  const instances = Array.from({ length: 4 }, () => new FirestoreRateLimiter(api.env.firestore, limit, () => now));
  const decisions = await Promise.all(Array.from({ length: 600 }, (_, i) => instances[i % 4]!.take('burst')));
  const admitted = decisions.filter((d) => d.allowed).length;
  assert.ok(admitted <= limit + maxLease(limit), `admitted ${admitted} of a limit of ${limit}`);
  // Every instance had more demand than budget, so nearly all of the minute was used (a transaction
  // retried under contention can leave a lease uncounted: less, never more).
  assert.ok(admitted >= limit / 2, `admitted ${admitted}`);
  const stored = await api.env.firestore.collection('rate_limits').doc(`burst@${Math.floor(now / 60_000)}`).get();
  assert.ok(stored.get('leased') <= limit, `leased ${stored.get('leased')}`);
});

test('every response in this file matches the OpenAPI document', async () => {
  await assertResponsesMatchDocument();
});
