// Cancel on the long lane is the push lanes' cancel (same core): a cancel request interrupts the turn,
// the job ends cancelled, the message is acked and nothing of the job keeps running.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { processesMatching } from '../../support/process-table.js';
import { eventually } from '../../support/test-env.js';
import { workerHarness, LONG_TIMEOUT_MS, type WorkerHarness } from '../../support/worker-harness.js';

const SLOW = 'sleep 34.171';
let h: WorkerHarness;
before(async () => {
  h = await workerHarness();
});
after(async () => {
  await h.close();
});

test('cancel while a long-lane job runs: cancelled, message acked, no process left', async () => {
  const worker = await h.startWorker('worker-cancel');
  const job = await h.submit({ prompt: `cancel-me [[cmd:${SLOW}]]`, timeout_ms: LONG_TIMEOUT_MS });
  await eventually(() => (processesMatching(SLOW).length > 0 ? true : undefined), 'the command to run', 60_000, 50);
  const request = await h.store.cancel(job.job_id);
  assert.equal(request.outcome, 'requested');
  const done = await h.waitForJob(job.job_id);
  assert.equal(done.status, 'cancelled');
  assert.equal(done.result?.exit_code, 130);
  const lines = await worker.waitHandled(job.job_id);
  assert.deepEqual(lines.map((l) => [l.outcome, l.reason]), [['acked', 'ran']]);
  assert.deepEqual(processesMatching(SLOW), [], 'the command was killed');
  await eventually(() => h.results.messages.find((m) => (m.data as { job_id: string }).job_id === job.job_id), 'the result message (webhooks follow it)');
});
