// GET /queue/stats: count() aggregations per status, priority and source (own jobs, or all for an
// admin). GET /health: open; 200 with the checks, 503 when Firestore is unreachable.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AddressInfo } from 'node:net';
import { Firestore } from '@google-cloud/firestore';
import * as functions from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { createApiHandler } from '../../../shared/api/api-app.js';
import { DEFAULT_API_TUNING } from '../../../shared/api/api-deps.js';
import { apiDeps } from '../../../shared/api/api-runtime.js';
import { freePort } from '../../../dev/free-port.js';
import { startApi, KEYS, type ApiServer } from './support/api-server.js';
import { seedJobs, seededJob } from './support/job-fixtures.js';
import { assertResponsesMatchDocument, recordResponse } from './support/openapi-conformance.js';

type Stats = { scope: string; owner: string | null; total: number; by_status: Record<string, number>; by_priority: Record<string, number>; by_source: Record<string, number> };

let api: ApiServer;
before(async () => {
  api = await startApi();
  const jobs = [
    ...Array.from({ length: 5 }, () => seededJob('alice', { priority: 'high', source: 'http' })),
    ...Array.from({ length: 3 }, () => seededJob('alice', { priority: 'low', source: 'storage' })),
    ...Array.from({ length: 4 }, () => seededJob('bob', { priority: 'critical', source: 'scheduler' })),
  ];
  jobs[0] = { ...jobs[0]!, status: 'cancelled' };
  await seedJobs(api.env.firestore, jobs);
});
after(() => api.close());

test('counts the caller\'s jobs per status, priority and source', async () => {
  const res = await api.call<Stats>('GET', '/queue/stats');
  assert.equal(res.status, 200);
  assert.equal(res.body.scope, 'owner');
  assert.equal(res.body.total, 8);
  assert.deepEqual(res.body.by_status, { queued: 7, processing: 0, completed: 0, failed: 0, cancelled: 1 });
  assert.deepEqual(res.body.by_priority, { low: 3, normal: 0, high: 5, critical: 0 });
  assert.deepEqual(res.body.by_source, { http: 5, storage: 3, scheduler: 0 });
});

test('an admin sees the counts of every job', async () => {
  const res = await api.call<Stats>('GET', '/queue/stats', { key: KEYS.root });
  assert.equal(res.body.scope, 'all');
  assert.equal(res.body.total, 12);
  assert.equal(res.body.by_priority.critical, 4);
  assert.equal(res.body.by_source.scheduler, 4);
});

test('health is open and reports each dependency', async () => {
  const res = await api.call<{ status: string; version: string; checks: Record<string, string> }>('GET', '/health', { key: null });
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.checks, { firestore: 'ok', pubsub: 'ok' });
  assert.equal(res.body.status, 'healthy');
  assert.match(res.body.version, /\d+\.\d+\.\d+/);
});

test('health is 503 when Firestore is unreachable', async () => {
  // A Firestore client aimed at a port nothing listens on.
  const deadPort = await freePort();
  const saved = process.env.FIRESTORE_EMULATOR_HOST;
  process.env.FIRESTORE_EMULATOR_HOST = `127.0.0.1:${deadPort}`;
  const dead = new Firestore({ projectId: api.env.project });
  process.env.FIRESTORE_EMULATOR_HOST = saved;
  const deps = apiDeps(api.env.config, { firestore: dead, pubsub: api.env.pubsub, blobs: api.deps.blobs, tuning: { ...DEFAULT_API_TUNING, healthCheckTimeoutMs: 500 } });
  functions.http('enqueue-dead-firestore', createApiHandler(deps));
  const server = getTestServer('enqueue-dead-firestore');
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/health`);
    const body = (await res.json()) as { status: string; checks: Record<string, string> };
    recordResponse({ method: 'GET', path: '/health', status: res.status, contentType: res.headers.get('content-type')!, body });
    assert.equal(res.status, 503);
    assert.equal(body.status, 'unhealthy');
    assert.match(body.checks.firestore!, /^error/);
    assert.equal(body.checks.pubsub, 'ok');
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections());
    void dead.terminate().catch(() => undefined); // its pending read retries in the background; do not wait for it
  }
});

test('every response in this file matches the OpenAPI document', async () => {
  assert.ok((await assertResponsesMatchDocument()) >= 4);
});
