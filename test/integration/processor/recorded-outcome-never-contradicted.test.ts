// Once a job's terminal status is written, nothing contradicts it: a codex-results publish that fails
// right after the terminal write (a Pub/Sub blip) leaves the job completed — no `finished: failed`
// event, no "job failed" log, the delivery acked — and the result owed, which the sweeper's
// unsent-result rule then sends.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { captureLogs } from '../../support/capture-logs.js';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';
import { eventually } from '../../support/test-env.js';
import { sweepHarness, type SweepHarness } from '../sweeper/sweep-harness.js';

let h: ProcessorHarness;
let s: SweepHarness;
before(async () => {
  h = await processorHarness({ LOG_LEVEL: 'INFO' }); // the logs are part of what is checked
  s = await sweepHarness(h);
});
after(async () => {
  await s.close();
  await h.close();
});

test('a publish blip after the terminal write: the job stays completed, nothing says failed, the delivery is acked and the sweeper sends the result', async () => {
  const blip = h.otherProcessor();
  const publish = blip.queue.publishResult.bind(blip.queue);
  let failures = 1;
  blip.queue.publishResult = async (...args) => {
    if (failures-- > 0) throw new Error('UNAVAILABLE: pubsub went away for a moment (fault injected)');
    return publish(...args);
  };
  const { job, message } = await h.submit({ prompt: 'publish blip marker-pb [[final:done despite the blip]]' });
  const logs = captureLogs();
  let verdict;
  try {
    verdict = await h.deliver(message, blip);
  } finally {
    logs.stop();
  }
  assert.equal(failures, 0, 'the publish was tried and failed');
  assert.deepEqual(verdict, { ack: true, reason: 'ran' }, 'the job ran and is recorded: nothing to deliver again');
  const done = await h.deps.store.get(job.job_id);
  assert.equal(done?.status, 'completed');
  assert.equal(done?.error, null);
  assert.equal(done?.result?.final_message, 'done despite the blip');
  const finished = (await h.deps.store.listEvents(job.job_id, -1, 1000)).filter((e) => e.type === 'finished');
  assert.deepEqual(finished.map((e) => e.data.status), ['completed'], 'one finished event, completed');
  assert.doesNotMatch(logs.text(), /"message":"job failed"/);
  assert.match(logs.text(), /"message":"job completed"/);
  assert.match(logs.text(), /the result is recorded but its message could not be sent/);
  assert.ok(!h.results.messages.some((m) => m.attributes.job_id === job.job_id), 'no result went out yet');

  const sweep = await s.sweep(new Date());
  assert.equal(sweep.rules.unsent_result!.acted, 1, 'the unsent-result rule sent it');
  const sent = await eventually(() => h.results.messages.find((m) => m.attributes.job_id === job.job_id), 'the result message');
  assert.equal((sent.data as { status: string }).status, 'completed');
  assert.equal((await h.deps.store.get(job.job_id))?.status, 'completed');
});
