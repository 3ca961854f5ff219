// Cancelling a job while Codex runs: the processor sees the request through its document listener,
// interrupts the turn, cleans background terminals, and the job ends cancelled with no process left.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';
import { processesMatching } from '../../support/process-table.js';
import { eventually } from '../../support/test-env.js';

let h: ProcessorHarness;
before(async () => {
  h = await processorHarness();
});
after(async () => {
  await h.close();
});

test('cancel while a shell command (sleep 30) runs: the job ends cancelled long before the command would, and nothing is left running', async (t) => {
  const marker = 'sleep 30.517';
  const { job, message } = await h.submit({ prompt: `long task [[cmd:${marker}]] [[final:should not get here]]`, timeout_ms: 120_000 });
  const delivery = h.deliver(message);
  await eventually(() => (processesMatching(marker).length > 0 ? true : undefined), 'the agent command to be running', 30_000, 50);
  const cancelledAt = Date.now();
  const request = await h.deps.store.cancel(job.job_id);
  assert.equal(request.outcome, 'requested', 'a processing job gets a cancel request, not an instant status change');
  assert.equal(request.outcome === 'requested' && request.job.cancel_requested, true);
  const done = await h.waitForJob(job.job_id);
  const latency = Date.now() - cancelledAt;
  t.diagnostic(`cancel → cancelled in ${latency} ms`);
  assert.equal(done.status, 'cancelled');
  assert.equal(done.error, null);
  assert.equal(done.result?.exit_code, 130);
  assert.ok(latency < 25_000, `the running command was stopped, not waited out (${latency} ms)`);
  assert.deepEqual(await delivery, { ack: true, reason: 'ran' });
  assert.deepEqual(processesMatching(marker), [], 'the sleep was killed');
  assert.equal(h.modelRequestsFor('long task').length, 1, 'the model was not asked to continue after the interrupt');
  const events = (await h.deps.store.listEvents(job.job_id, -1, 1000)).map((e) => e.type);
  assert.ok(events.includes('stop_requested'));
  assert.equal(events.at(-1), 'finished');
});

test('a cancel requested before the processor claims a queued job cancels it at once; its message is then acked without running', async () => {
  const { job, message } = await h.submit({ prompt: 'never runs marker-cq' });
  const request = await h.deps.store.cancel(job.job_id);
  assert.equal(request.outcome, 'cancelled');
  assert.deepEqual(await h.deliver(message), { ack: true, reason: 'cancelled' });
  assert.equal(h.modelRequestsFor('marker-cq').length, 0);
});
