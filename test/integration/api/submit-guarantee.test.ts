// The submit guarantee of POST /jobs, with failures injected into the store and the queue (the API's
// own interfaces) around the real Firestore and Pub/Sub emulators:
// - 202/200: the job exists and will run — its message is on the lane (or a processor has the job);
// - 5xx: no job was made (nothing runs), or a retry with the same Idempotency-Key returns the one that
//   was; the key is never released once a publish was attempted.
// "Both orders": the create fails (before or after it really wrote) and the publish fails (before or
// after it really published).
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import type { JobDocument } from '../../../shared/jobs/job-document.js';
import type { JobQueue } from '../../../shared/queue/job-queue.js';
import type { JobStore } from '../../../shared/store/job-store.js';
import { FirestoreRecoveryStore } from '../../../shared/store/firestore-recovery-store.js';
import { runSweep } from '../../../shared/sweeper/run-sweep.js';
import { createLogger } from '../../../shared/logging.js';
import { collectTopic, eventually } from '../../support/test-env.js';
import { startApi, KEYS, type ApiServer } from './support/api-server.js';

type Submitted = { job_id: string; status: string };

let api: ApiServer;
let lane: Awaited<ReturnType<typeof collectTopic>>;
let realStore: JobStore;
let realQueue: JobQueue;
before(async () => {
  api = await startApi();
  lane = await collectTopic(api.env.pubsub, api.env.config.JOBS_TOPIC);
  await api.env.pubsub.createTopic(api.env.config.RESULTS_TOPIC).catch(() => undefined);
  realStore = api.deps.store;
  realQueue = api.deps.queue;
});
beforeEach(() => {
  api.deps.store = realStore;
  api.deps.queue = realQueue;
});
after(async () => {
  api.deps.store = realStore;
  api.deps.queue = realQueue;
  await lane.stop();
  await api.close();
});

type Fault = 'before' | 'after';
/** The store's create fails: before writing anything, or after the write went through (a lost answer). */
function failCreate(fault: Fault, times = 1): void {
  let left = times;
  api.deps.store = Object.assign(Object.create(realStore) as JobStore, {
    async create(job: JobDocument) {
      if (left-- <= 0) return realStore.create(job);
      if (fault === 'after') await realStore.create(job);
      throw Object.assign(new Error('injected: create failed'), { code: 14 });
    },
  });
}
/** The queue's publish fails: before sending, or after the message went out (a lost answer). */
function failPublish(fault: Fault, times = 1): void {
  let left = times;
  api.deps.queue = Object.assign(Object.create(realQueue) as JobQueue, {
    async publishJob(message: Parameters<JobQueue['publishJob']>[0]) {
      if (left-- <= 0) return realQueue.publishJob(message);
      if (fault === 'after') await realQueue.publishJob(message);
      throw Object.assign(new Error('injected: publish failed'), { code: 14 });
    },
  });
}

async function jobsOf(prompt: string): Promise<JobDocument[]> {
  const snap = await api.env.firestore.collection('jobs').where('owner', '==', 'alice').get();
  return snap.docs.map((d) => d.data() as JobDocument).filter((j) => j.prompt === prompt);
}
function messagesOf(jobId: string) {
  return lane.messages.filter((m) => m.attributes.job_id === jobId);
}
/** Waits for at least `count` messages of the job (the collector's subscription delivers them one by one). */
async function messageOf(jobId: string, count = 1) {
  return eventually(() => (messagesOf(jobId).length >= count ? messagesOf(jobId) : undefined), `${count} message(s) of ${jobId}`);
}
function sweep(now: Date) {
  return runSweep({ recovery: new FirestoreRecoveryStore(api.env.firestore), store: realStore, queue: realQueue, config: api.env.config, log: createLogger('ERROR'), now: () => now });
}

test('a 202 means the document exists and its message is on the lane', async () => {
  const res = await api.call<Submitted>('POST', '/jobs', { body: { prompt: 'plain submit' } });
  assert.equal(res.status, 202);
  assert.equal((await realStore.get(res.body.job_id))?.status, 'queued');
  await messageOf(res.body.job_id);
});

for (const fault of ['before', 'after'] as const) {
  test(`create fails ${fault} writing, no key: 503, and no job runs (nothing published)`, async () => {
    failCreate(fault);
    const prompt = `create fails ${fault}, no key`;
    const res = await api.call('POST', '/jobs', { body: { prompt } });
    if (fault === 'before') {
      assert.equal(res.status, 503);
      assert.equal((await jobsOf(prompt)).length, 0, 'no document');
    } else {
      // The write did happen: the API sees the document and carries on, so the job is queued and sent.
      assert.equal(res.status, 202);
      const [job] = await jobsOf(prompt);
      await messageOf(job!.job_id);
    }
  });

  test(`create fails ${fault} writing, with a key: a retry with the key gets the one job, queued and sent once`, async () => {
    failCreate(fault);
    const prompt = `create fails ${fault}, keyed`;
    const headers = { 'idempotency-key': `create-${fault}` };
    const first = await api.call<Submitted>('POST', '/jobs', { body: { prompt }, headers });
    const retry = await api.call<Submitted>('POST', '/jobs', { body: { prompt }, headers });
    assert.ok([202, 503].includes(first.status));
    assert.ok([200, 202].includes(retry.status), `retry: ${retry.status}`);
    const docs = await jobsOf(prompt);
    assert.equal(docs.length, 1, 'one job');
    assert.equal(retry.body.job_id, docs[0]!.job_id);
    if (first.status !== 503) assert.equal(first.body.job_id, retry.body.job_id);
    await messageOf(docs[0]!.job_id);
  });

  test(`publish fails ${fault} sending, no key: 503 and the job never runs (ended failed before any processor), or 202 when a processor already has it`, async () => {
    failPublish(fault);
    const prompt = `publish fails ${fault}, no key`;
    const res = await api.call('POST', '/jobs', { body: { prompt } });
    assert.equal(res.status, 503);
    const [job] = await jobsOf(prompt);
    assert.equal(job!.status, 'failed', 'withdrawn: a processor that gets a late message finds it terminal');
    assert.equal(job!.error?.code, 'internal');
    // Nothing will ever run it: the sweeper does not republish it, however late.
    const report = await sweep(new Date(Date.now() + 3_600_000));
    assert.equal(messagesOf(job!.job_id).length, fault === 'after' ? 1 : 0, 'only the message that really went out');
    assert.equal(report.rules.stale_queued!.errors, 0);
  });

  test(`publish fails ${fault} sending, with a key: 503 keeps the key; the retry returns the same job and sends it`, async () => {
    failPublish(fault);
    const prompt = `publish fails ${fault}, keyed`;
    const headers = { 'idempotency-key': `publish-${fault}` };
    const first = await api.call<Submitted>('POST', '/jobs', { body: { prompt }, headers });
    assert.equal(first.status, 503);
    const [made] = await jobsOf(prompt);
    assert.equal(made!.status, 'queued', 'the job stays queued for the retry or the sweeper');
    const retry = await api.call<Submitted>('POST', '/jobs', { body: { prompt }, headers });
    assert.equal(retry.status, 200);
    assert.equal(retry.body.job_id, made!.job_id, 'the key was kept: the same job');
    assert.equal((await jobsOf(prompt)).length, 1);
    const expected = fault === 'after' ? 2 : 1;
    const messages = await messageOf(made!.job_id, expected);
    assert.equal(messages.length, expected, 'the retry sent it (a duplicate of a message that went out is harmless)');
  });
}

test('publish fails with a key and the client never retries: the sweeper sends the job at its next sweep', async () => {
  failPublish('before');
  const prompt = 'publish fails, no retry';
  const res = await api.call('POST', '/jobs', { body: { prompt }, headers: { 'idempotency-key': 'never-retried' } });
  assert.equal(res.status, 503);
  const [job] = await jobsOf(prompt);
  const report = await sweep(new Date(Date.now() + 1000));
  assert.ok(report.rules.stale_queued!.acted >= 1);
  await messageOf(job!.job_id);
});

test('both fail (create after writing, then publish before sending), keyed: one job, sent once the retry comes', async () => {
  failCreate('after');
  failPublish('before');
  const prompt = 'both fail';
  const headers = { 'idempotency-key': 'both-fail' };
  const first = await api.call('POST', '/jobs', { body: { prompt }, headers });
  assert.equal(first.status, 503);
  const retry = await api.call<Submitted>('POST', '/jobs', { body: { prompt }, headers });
  assert.equal(retry.status, 200);
  const docs = await jobsOf(prompt);
  assert.equal(docs.length, 1);
  assert.equal(docs[0]!.job_id, retry.body.job_id);
  await messageOf(retry.body.job_id);
});

test('the key of a request whose create failed before writing is released: the retry makes the job with 202', async () => {
  failCreate('before');
  const headers = { 'idempotency-key': 'released' };
  assert.equal((await api.call('POST', '/jobs', { body: { prompt: 'released key' }, headers })).status, 503);
  const retry = await api.call<Submitted>('POST', '/jobs', { key: KEYS.alice, body: { prompt: 'released key' }, headers });
  assert.equal(retry.status, 202);
  await messageOf(retry.body.job_id);
});
