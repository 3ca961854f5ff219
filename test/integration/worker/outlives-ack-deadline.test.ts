// A long-lane job that runs longer than its subscription's ack deadline (10 s here) completes once:
// the worker's client keeps extending the message's deadline, so Pub/Sub never redelivers it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { workerHarness, LONG_TIMEOUT_MS, type WorkerHarness } from '../../support/worker-harness.js';

const ACK_DEADLINE_S = 10;
let h: WorkerHarness;
before(async () => {
  h = await workerHarness({}, { ackDeadlineSeconds: ACK_DEADLINE_S });
});
after(async () => {
  await h.close();
});

test('a job longer than the ack deadline completes once, with no redelivery', async () => {
  const worker = await h.startWorker('worker-long');
  const job = await h.submit({ prompt: 'outlive-marker [[cmd:sleep 6.1]] [[cmd:sleep 6.2]] [[final:outlived]]', timeout_ms: LONG_TIMEOUT_MS });
  assert.equal(job.lane, 'long');
  const done = await h.waitForJob(job.job_id);
  assert.equal(done.status, 'completed', JSON.stringify(done.error));
  assert.equal(done.result?.final_message, 'outlived');
  assert.equal(done.attempts, 1, 'claimed once');
  assert.ok(done.result!.execution_time_ms > ACK_DEADLINE_S * 1000, `the job outlived the ack deadline (ran ${done.result!.execution_time_ms} ms)`);
  // Any redelivery would reach this (the only) worker and be logged as another handled message.
  const handled = await worker.waitHandled(job.job_id);
  assert.deepEqual(handled.map((l) => [l.outcome, l.reason, l.delivery_attempt]), [['acked', 'ran', 1]], 'one delivery, acked after the run');
  assert.equal(h.model.requests.filter((r) => r.prompt.includes('outlive-marker') && r.step === 0).length, 1, 'codex ran the turn once');
  const results = h.results.messages.filter((m) => (m.data as { job_id: string }).job_id === job.job_id);
  assert.ok(results.length <= 1, 'at most one result message so far');
});
