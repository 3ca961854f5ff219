// A cancel that no processor would act on ends the job at once: a queued job, and a processing job
// whose holder's lease expired. Either way its result goes out on codex-results at once, so its
// webhook does not wait for the job's message to come round in the backlog.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { JobDocument } from '../../../shared/jobs/job-document.js';
import { collectTopic, eventually } from '../../support/test-env.js';
import { startApi, type ApiServer } from './support/api-server.js';

let api: ApiServer;
let results: Awaited<ReturnType<typeof collectTopic>>;
before(async () => {
  api = await startApi();
  results = await collectTopic(api.env.pubsub, api.env.config.RESULTS_TOPIC);
});
after(async () => {
  await results.stop();
  await api.close();
});

async function submit(prompt: string): Promise<JobDocument> {
  const res = await api.call<{ job_id: string }>('POST', '/jobs', { body: { prompt, callback_url: 'https://hooks.example.com/done' } });
  assert.equal(res.status, 202);
  return (await api.store.get(res.body.job_id))!;
}

async function resultOf(jobId: string) {
  return eventually(() => results.messages.find((m) => m.attributes.job_id === jobId), `the result of ${jobId} on codex-results`);
}

test('a queued job is cancelled and its result is published at once, with no processor involved', async () => {
  const job = await submit('queued, then cancelled');
  const res = await api.call<JobDocument>('POST', `/jobs/${job.job_id}/cancel`);
  assert.equal(res.status, 200);
  assert.equal(res.body.status, 'cancelled');
  const message = await resultOf(job.job_id);
  assert.equal(message.attributes.status, 'cancelled');
  assert.equal((message.data as { status: string }).status, 'cancelled');
});

test('a processing job whose lease expired (its holder is gone) is cancelled at once, not left cancel_requested', async () => {
  const job = await submit('holder died');
  const claim = await api.store.claim(job, { holder: 'gone-processor', leaseMs: 1, maxAttempts: 3, ttlDays: 30 });
  assert.equal(claim.outcome, 'claimed');
  await eventually(async () => ((await api.store.get(job.job_id))!.lease!.expires_at < new Date().toISOString() ? true : undefined), 'the lease to run out');
  const res = await api.call<JobDocument>('POST', `/jobs/${job.job_id}/cancel`);
  assert.equal(res.status, 200);
  assert.equal(res.body.status, 'cancelled');
  assert.equal(res.body.lease, null);
  assert.equal((await api.store.get(job.job_id))!.status, 'cancelled');
  assert.equal((await resultOf(job.job_id)).attributes.status, 'cancelled');
  assert.equal(await api.store.renewLease(job.job_id, 'gone-processor', 60_000), false, 'a holder that comes back cannot renew');
});

test('a processing job under a live lease only records the request, and publishes nothing yet', async () => {
  const job = await submit('still running');
  await api.store.claim(job, { holder: 'live-processor', leaseMs: 60_000, maxAttempts: 3, ttlDays: 30 });
  const res = await api.call<JobDocument>('POST', `/jobs/${job.job_id}/cancel`);
  assert.equal(res.body.status, 'processing');
  assert.equal(res.body.cancel_requested, true);
  // A queued job cancelled after it publishes its result at once: when that one is there, this one would be too.
  const marker = await submit('marker');
  await api.call('POST', `/jobs/${marker.job_id}/cancel`);
  await resultOf(marker.job_id);
  assert.ok(!results.messages.some((m) => m.attributes.job_id === job.job_id));
});
