// How a delivery of a job waiting its turn in its session is answered on a push lane: retried (not
// acked, no attempt); behind an earlier job still queued on the same lane, both messages are sent
// again, earlier first, and the delivery acked (the ordering key would otherwise deadlock); and a
// dead letter of a waiting job publishes its message again instead of failing it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { DEAD_LETTER_ATTRIBUTE } from '../../../shared/pubsub/pubsub-message.js';
import { processorHarness, pushMessage, type ProcessorHarness } from '../../support/processor-harness.js';
import { collectTopic, eventually } from '../../support/test-env.js';

let h: ProcessorHarness;
let jobsTopic: Awaited<ReturnType<typeof collectTopic>>;
before(async () => {
  h = await processorHarness();
  jobsTopic = await collectTopic(h.env.pubsub, h.env.config.JOBS_TOPIC);
  await collectTopic(h.env.pubsub, h.env.config.PRIORITY_JOBS_TOPIC).then((t) => t.stop());
});
after(async () => {
  await jobsTopic.stop();
  await h.close();
});

const base = Date.now();
/** Creation order is the session's order: each job gets its own instant. */
const at = (ms: number) => ({ createdAt: new Date(base + ms).toISOString() });
const published = (jobId: string) => jobsTopic.messages.filter((m) => (m.data as { job_id: string }).job_id === jobId);

test('behind an earlier job running on another lane: 429-style retry, nothing written; behind one queued on the same lane: both sent again, acked', async () => {
  const session = `wv-${randomUUID().slice(0, 8)}`;
  const first = await h.submit({ prompt: 'wv-first [[final:first]]', session_id: session, priority: 'high' }, at(0));
  const second = await h.submit({ prompt: 'wv-second [[final:second]]', session_id: session }, at(1));
  const third = await h.submit({ prompt: 'wv-third [[final:third]]', session_id: session }, at(2));

  const verdict = await h.deliver(second.message);
  assert.equal(verdict.ack, false);
  assert.ok(!verdict.ack && verdict.reason === 'waiting' && verdict.status === 429 && verdict.retryAfterSeconds! >= 1);
  assert.equal((await h.deps.store.get(second.job.job_id))?.attempts, 0);
  assert.deepEqual(published(first.job.job_id), [], 'an earlier job on another lane is not republished');

  // The first (priority lane) runs; now the third arrives before the second, both on the normal lane.
  assert.deepEqual(await h.deliver(first.message), { ack: true, reason: 'ran' });
  assert.deepEqual(await h.deliver(third.message), { ack: true, reason: 'requeued-behind' });
  await eventually(() => (published(second.job.job_id).length && published(third.job.job_id).length ? true : undefined), 'both messages published again');
  assert.equal((await h.deps.store.get(third.job.job_id))?.status, 'queued');
  assert.deepEqual(await h.deliver(pushMessage(second.job)), { ack: true, reason: 'ran' });
  assert.deepEqual(await h.deliver(pushMessage(third.job)), { ack: true, reason: 'ran' });
});

test('a dead letter of a job still waiting behind an earlier job of its session is published again, not failed', async () => {
  const session = `wd-${randomUUID().slice(0, 8)}`;
  const first = await h.submit({ prompt: 'wd-first [[final:first]]', session_id: session }, at(10));
  const later = await h.submit({ prompt: 'wd-later [[final:later]]', session_id: session }, at(11));
  const dead = pushMessage(later.job, { [DEAD_LETTER_ATTRIBUTE]: '100' });
  assert.deepEqual(await h.deliver(dead), { ack: true, reason: 'dead-lettered-republished' });
  assert.equal((await h.deps.store.get(later.job.job_id))?.status, 'queued');
  await eventually(() => (published(later.job.job_id).length ? true : undefined), 'the waiting job to be published again');
  assert.deepEqual(await h.deliver(first.message), { ack: true, reason: 'ran' });
  assert.deepEqual(await h.deliver(later.message), { ack: true, reason: 'ran' });
});
