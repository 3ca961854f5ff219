// A schedule's owner over its quota: the job is recorded failed with bad_request naming the quota
// (there is no caller to answer 429); a redelivery of an admitted firing stays the job it made.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { derivedJobId } from '../../../shared/jobs/job-id.js';
import { testEnv, type TestEnv } from '../../support/test-env.js';
import { waitForJob } from '../../support/wait-for-job.js';
import { serveFunction, type ServedFunction } from './intake-harness.js';

let env: TestEnv;
let fn: ServedFunction;

before(async () => {
  env = await testEnv({ QUOTAS: 'scheduler:jobs_per_day=1' });
  Object.assign(process.env, env.env);
  for (const topic of [env.config.JOBS_TOPIC, env.config.PRIORITY_JOBS_TOPIC, env.config.RESULTS_TOPIC]) await env.pubsub.createTopic(topic);
  await import('../../../functions/scheduler/index.js');
  fn = await serveFunction('scheduler');
});

after(async () => {
  await fn?.close();
  await env?.close();
});

const push = (data: unknown, messageId: string) => ({
  message: { data: Buffer.from(JSON.stringify(data)).toString('base64'), attributes: { schedule: 'hourly' }, messageId },
  subscription: 'projects/p/subscriptions/codex-schedules-scheduler',
});

test('past jobs_per_day the next firing is a failed job naming the quota', async () => {
  const first = push({ prompt: 'Tick.' }, 'q-1');
  assert.equal((await fn.post(first)).verdict, 'queued');
  assert.equal((await fn.post(first)).verdict, 'duplicate', 'a redelivery is not refused nor counted again');
  await fn.post(push({ prompt: 'Tick.' }, 'q-2'));
  const job = await waitForJob(env.firestore, derivedJobId('schedule', 'hourly', 'q-2'), (j) => j.status === 'failed');
  assert.equal(job.error?.code, 'bad_request');
  assert.match(job.error?.message ?? '', /jobs_per_day/);
  assert.equal((await waitForJob(env.firestore, derivedJobId('schedule', 'hourly', 'q-1'), () => true)).status, 'queued');
});
