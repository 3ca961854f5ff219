// The registered `scheduler` function: a Cloud Scheduler message on codex-schedules → one job; a
// redelivery makes no second one. The local stand-in (dev/local-schedules.ts) publishes the same
// message, which reaches the function through a real push subscription.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startLocalSchedules } from '../../../dev/local-schedules.js';
import { derivedJobId } from '../../../shared/jobs/job-id.js';
import { testEnv, type TestEnv } from '../../support/test-env.js';
import { waitForJob } from '../../support/wait-for-job.js';
import { serveFunction, type ServedFunction } from './intake-harness.js';

let env: TestEnv;
let fn: ServedFunction;
let dir: string;

before(async () => {
  env = await testEnv();
  Object.assign(process.env, env.env);
  for (const topic of [env.config.JOBS_TOPIC, env.config.PRIORITY_JOBS_TOPIC, env.config.RESULTS_TOPIC]) await env.pubsub.createTopic(topic);
  await import('../../../functions/scheduler/index.js');
  fn = await serveFunction('scheduler');
  dir = await mkdtemp(path.join(os.tmpdir(), 'schedules-test-'));
});

after(async () => {
  await fn?.close();
  await env?.close();
  await rm(dir, { recursive: true, force: true });
});

const push = (schedule: string | undefined, data: unknown, messageId: string) => ({
  message: { data: Buffer.from(typeof data === 'string' ? data : JSON.stringify(data)).toString('base64'), attributes: schedule ? { schedule } : {}, messageId },
  subscription: 'projects/p/subscriptions/codex-schedules-scheduler',
});

test('a schedule message makes a queued job owned by the scheduler; a retry of the same message makes none', async () => {
  const body = push('nightly-report', { prompt: 'Write the nightly report.', priority: 'high', metadata: { kind: 'report' } }, 'msg-1001');
  const first = await fn.post(body);
  assert.equal(first.status, 204);
  assert.equal(first.verdict, 'queued');
  const jobId = derivedJobId('schedule', 'nightly-report', 'msg-1001');
  const job = await waitForJob(env.firestore, jobId, () => true);
  assert.equal(job.status, 'queued');
  assert.equal(job.owner, 'scheduler');
  assert.equal(job.source, 'scheduler');
  assert.equal(job.source_ref, 'nightly-report');
  assert.equal(job.prompt, 'Write the nightly report.');
  assert.equal(job.priority, 'high');
  assert.deepEqual(job.metadata, { kind: 'report' });
  const retries = await Promise.all([fn.post(body), fn.post(body)]);
  assert.deepEqual(retries.map((r) => r.verdict), ['duplicate', 'duplicate']);
  const snap = await env.firestore.collection('jobs').where('source_ref', '==', 'nightly-report').get();
  assert.equal(snap.size, 1);
  // The next firing is another message: another job.
  assert.equal((await fn.post(push('nightly-report', { prompt: 'Write the nightly report.' }, 'msg-1002'))).verdict, 'queued');
});

test('a bad payload makes a failed job naming the schedule and the field; no schedule attribute is dropped', async () => {
  const bad = await fn.post(push('broken', { prompt: 'x', timeout: 5 }, 'msg-2001'));
  assert.equal(bad.status, 204);
  assert.equal(bad.verdict, 'rejected');
  const job = await waitForJob(env.firestore, derivedJobId('schedule', 'broken', 'msg-2001'), () => true);
  assert.equal(job.status, 'failed');
  assert.equal(job.error?.code, 'bad_request');
  assert.equal(job.error?.message, 'schedule "broken": invalid job request: unknown field: timeout');
  const notJson = await fn.post(push('broken', 'not json', 'msg-2002'));
  assert.equal(notJson.verdict, 'rejected');
  const dropped = await fn.post(push(undefined, { prompt: 'x' }, 'msg-2003'));
  assert.deepEqual(dropped, { status: 204, verdict: 'dropped' });
});

test('local schedules: listed with their next run; firing publishes what Cloud Scheduler would, and the job appears', async () => {
  const file = path.join(dir, 'schedules.json');
  await writeFile(
    file,
    JSON.stringify([
      { name: 'every-5-min', cron: '*/5 * * * *', time_zone: 'Europe/Berlin', request: { prompt: 'Ping.', priority: 'low' } },
      { name: 'yearly', cron: '0 0 1 1 *', time_zone: 'Etc/UTC', request: { prompt: 'Happy new year.' } },
    ]),
  );
  const topic = env.config.SCHEDULES_TOPIC;
  await env.pubsub.createTopic(topic);
  await env.pubsub.topic(topic).createSubscription(`${topic}-scheduler`, {
    pushConfig: { pushEndpoint: `${fn.url}/projects/${env.project}/topics/${topic}` },
    retryPolicy: { minimumBackoff: { seconds: 1 }, maximumBackoff: { seconds: 2 } },
  });
  const lines: string[] = [];
  const local = await startLocalSchedules({ pubsub: env.pubsub, config: env.config, file, log: (l) => lines.push(l) });
  try {
    const now = Date.now();
    assert.deepEqual(local.schedules.map((s) => [s.name, s.cron]), [['every-5-min', '*/5 * * * *'], ['yearly', '0 0 1 1 *']]);
    const next5 = local.schedules[0]!.next!.getTime();
    assert.ok(next5 > now && next5 <= now + 5 * 60_000 + 1000, 'every-5-min runs within 5 minutes');
    assert.equal(local.schedules[0]!.next!.getUTCSeconds(), 0);
    assert.equal(local.schedules[1]!.next!.toISOString().slice(5), '01-01T00:00:00.000Z');
    const messageId = await local.fire('every-5-min');
    const d = await fn.next((x) => x.attributes.schedule === 'every-5-min', 'the pushed schedule message');
    assert.equal(d.verdict, 'queued');
    const job = await waitForJob(env.firestore, derivedJobId('schedule', 'every-5-min', messageId), () => true);
    assert.equal(job.prompt, 'Ping.');
    assert.equal(job.source_ref, 'every-5-min');
  } finally {
    local.stop();
  }
  await writeFile(file, JSON.stringify([{ name: 'bad', cron: '0 3 * *', time_zone: 'UTC', request: { prompt: 'x' } }]));
  await assert.rejects(startLocalSchedules({ pubsub: env.pubsub, config: env.config, file, log: () => undefined }), /schedule "bad": cron: bad cron "0 3 \* \*": expected five fields/);
});
