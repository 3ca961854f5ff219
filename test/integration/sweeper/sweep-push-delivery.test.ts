// The sweeper function as Pub/Sub pushes to it (Functions Framework, the real stores on the emulators):
// a tick sweeps and is acked with its counts logged; a stale tick (a backlog of old ticks) is acked
// without a sweep; a tick while the store fails is still acked, since the next tick sweeps again.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import * as functions from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { newJobDocument } from '../../../shared/jobs/job-document.js';
import { createLogger } from '../../../shared/logging.js';
import { FirestoreJobStore } from '../../../shared/store/firestore-job-store.js';
import { FirestoreRecoveryStore } from '../../../shared/store/firestore-recovery-store.js';
import { sweeperDeps, sweeperHandler } from '../../../shared/sweeper/sweeper-http.js';
import { collectTopic, eventually, testEnv, type TestEnv } from '../../support/test-env.js';
import { spec } from '../store/store-fixtures.js';

let env: TestEnv;
let lane: Awaited<ReturnType<typeof collectTopic>>;
const logs: Record<string, unknown>[] = [];
const servers: { url: string; close(): Promise<void> }[] = [];

function serve(name: string, handler: Parameters<typeof functions.http>[1]): Promise<string> {
  functions.http(name, handler);
  const server = getTestServer(name);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/projects/${env.project}/topics/codex-sweeps`;
      servers.push({ url, close: () => new Promise((r) => server.close(() => r())) });
      resolve(url);
    }),
  );
}

function tick(url: string, publishTime = new Date().toISOString()) {
  const body = { message: { data: Buffer.from('{"sweep":true}').toString('base64'), attributes: { sweep: 'scheduled' }, messageId: String(Math.random()), publishTime }, subscription: 'projects/p/subscriptions/codex-sweeps-sweeper' };
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

before(async () => {
  env = await testEnv();
  lane = await collectTopic(env.pubsub, env.config.JOBS_TOPIC);
});
after(async () => {
  for (const s of servers) await s.close();
  await lane.stop();
  await env.close();
});

test('a tick sweeps: a queued job that never went out is republished, and the counts are logged', async () => {
  const deps = { ...sweeperDeps(env.config), log: createLogger('DEBUG', {}, (line) => logs.push(JSON.parse(line) as Record<string, unknown>)) };
  const url = await serve('sweeper-under-test', sweeperHandler(deps));
  const old = new Date(Date.now() - 10 * 60_000);
  const job = newJobDocument(spec({ created_at: old.toISOString() }), 30, old);
  await new FirestoreJobStore(env.firestore).create(job);
  const res = await tick(url);
  assert.equal(res.status, 204);
  assert.equal(res.headers.get('x-verdict'), 'swept');
  await eventually(() => (lane.messages.some((m) => m.attributes.job_id === job.job_id) ? true : undefined), 'the republished message');
  const counts = logs.find((l) => l.message === 'sweep rule stale_queued');
  assert.equal(counts?.acted, 1);
  assert.equal((await new FirestoreRecoveryStore(env.firestore).dueQueued(new Date(), 10)).length, 0, 'not due again at once');

  const stale = await tick(url, new Date(Date.now() - 11 * 60_000).toISOString());
  assert.equal(stale.status, 204);
  assert.equal(stale.headers.get('x-verdict'), 'stale tick');
});

test('a tick while the store fails is acked (the next tick sweeps), with the failure logged per rule', async () => {
  const down: Record<string, unknown>[] = [];
  const real = new FirestoreRecoveryStore(env.firestore);
  const unavailable = () => Promise.reject(Object.assign(new Error('injected: 14 UNAVAILABLE'), { code: 14 }));
  const failing = Object.assign(Object.create(real) as FirestoreRecoveryStore, { expiredLeases: unavailable, dueQueued: unavailable, processingStartedBefore: unavailable, queuedCreatedBefore: unavailable });
  const deps = { ...sweeperDeps(env.config), recovery: failing, log: createLogger('DEBUG', {}, (line) => down.push(JSON.parse(line) as Record<string, unknown>)) };
  const url = await serve('sweeper-store-down', sweeperHandler(deps));
  const res = await tick(url);
  assert.equal(res.status, 204);
  assert.equal(res.headers.get('x-verdict'), 'swept with errors');
  for (const rule of ['hard_deadline', 'unrunnable', 'expired_lease', 'stale_queued']) assert.ok(down.some((l) => l.severity === 'ERROR' && l.rule === rule), rule);
});
