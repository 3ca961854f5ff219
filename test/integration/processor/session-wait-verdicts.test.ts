// How a delivery of a job waiting its turn in its session is answered on a push lane: retried (not
// acked, no attempt); behind an earlier job still queued on the same lane, acked and handed to the
// sweeper (due at once), since the ordering key would otherwise deadlock; and a dead letter of a
// waiting job leaves it queued, due for the sweeper's republish, instead of failing it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { DEAD_LETTER_ATTRIBUTE } from '../../../shared/pubsub/pubsub-message.js';
import { processorHarness, pushMessage, type ProcessorHarness } from '../../support/processor-harness.js';

let h: ProcessorHarness;
before(async () => {
  h = await processorHarness();
});
after(async () => {
  await h.close();
});

const base = Date.now();
/** Creation order is the session's order: each job gets its own instant. */
const at = (ms: number) => ({ createdAt: new Date(base + ms).toISOString() });
/** The sweeper's republish mark (an internal field of the document). */
const requeueAt = async (jobId: string) => (await h.env.firestore.collection('jobs').doc(jobId).get()).get('requeue_at') as string | undefined;

test('behind an earlier job on another lane: retried (429), nothing written; behind one queued on the same lane: acked and due for the sweeper', async () => {
  const session = `wv-${randomUUID().slice(0, 8)}`;
  const first = await h.submit({ prompt: 'wv-first [[final:first]]', session_id: session, priority: 'high' }, at(0));
  const second = await h.submit({ prompt: 'wv-second [[final:second]]', session_id: session }, at(1));
  const third = await h.submit({ prompt: 'wv-third [[final:third]]', session_id: session }, at(2));

  const before2 = await requeueAt(second.job.job_id);
  const verdict = await h.deliver(second.message);
  assert.ok(!verdict.ack && verdict.reason === 'waiting' && verdict.status === 429 && verdict.retryAfterSeconds! >= 1, JSON.stringify(verdict));
  assert.deepEqual(await h.deps.store.get(second.job.job_id), second.job, 'nothing written: no attempt, no lease');
  assert.equal(await requeueAt(second.job.job_id), before2, 'a retried delivery is not handed to the sweeper');

  // The first (priority lane) runs; now the third arrives before the second, both queued on the normal lane.
  assert.deepEqual(await h.deliver(first.message), { ack: true, reason: 'ran' });
  const handedOver = Date.now();
  assert.deepEqual(await h.deliver(third.message), { ack: true, reason: 'requeued-behind' });
  assert.equal((await h.deps.store.get(third.job.job_id))?.status, 'queued');
  assert.ok(Date.parse((await requeueAt(third.job.job_id))!) <= Date.now() && Date.parse((await requeueAt(third.job.job_id))!) >= handedOver - 1000, 'due for the next sweep');
  assert.deepEqual(await h.deliver(pushMessage(second.job)), { ack: true, reason: 'ran' });
  assert.deepEqual(await h.deliver(pushMessage(third.job)), { ack: true, reason: 'ran' });
});

test('a dead letter of a job still waiting behind an earlier job of its session leaves it queued and due for the sweeper, not failed', async () => {
  const session = `wd-${randomUUID().slice(0, 8)}`;
  const first = await h.submit({ prompt: 'wd-first [[final:first]]', session_id: session }, at(10));
  const later = await h.submit({ prompt: 'wd-later [[final:later]]', session_id: session }, at(11));
  const deadAt = Date.now();
  assert.deepEqual(await h.deliver(pushMessage(later.job, { [DEAD_LETTER_ATTRIBUTE]: '100' })), { ack: true, reason: 'dead-lettered-requeued' });
  assert.equal((await h.deps.store.get(later.job.job_id))?.status, 'queued');
  assert.ok(Date.parse((await requeueAt(later.job.job_id))!) >= deadAt - 1000, 'due for the next sweep');
  assert.deepEqual(await h.deliver(first.message), { ack: true, reason: 'ran' });
  assert.deepEqual(await h.deliver(later.message), { ack: true, reason: 'ran' });
});
