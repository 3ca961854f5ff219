// The worker pulls nothing before its sandbox probe passes: on a host where the Codex sandbox cannot
// work it logs the refusal (the alert's log line) and exits non-zero, so the platform restarts it and
// the job waits in the subscription instead of being taken and failed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { workerHarness, LONG_TIMEOUT_MS, type WorkerHarness } from '../../support/worker-harness.js';

let h: WorkerHarness;
before(async () => {
  h = await workerHarness();
});
after(async () => {
  await h.close();
});

test('a worker whose sandbox probe fails never pulls: it exits 1 naming the refusal, and the job stays queued for a working worker', async () => {
  const job = await h.submit({ prompt: 'probe-first [[final:ran on a working worker]]', timeout_ms: LONG_TIMEOUT_MS });
  // A codex binary that cannot run: the probe fails at once, as it does where bubblewrap cannot work.
  await assert.rejects(h.startWorker('worker-no-sandbox', { CODEX_BIN: '/nonexistent/codex' }), (err: Error) => {
    assert.match(err.message, /exited \(code 1\) before it was ready/);
    assert.match(err.message, /"severity":"ERROR","message":"the processor refuses to start: cannot run the codex binary/);
    assert.doesNotMatch(err.message, /worker pulling/);
    return true;
  });
  const waiting = await h.store.get(job.job_id);
  assert.equal(waiting?.status, 'queued');
  assert.equal(waiting?.attempts, 0, 'no attempt was claimed');

  const working = await h.startWorker('worker-sandboxed');
  const done = await h.waitForJob(job.job_id);
  assert.equal(done.status, 'completed', JSON.stringify(done.error));
  assert.equal(done.result?.final_message, 'ran on a working worker');
  await working.stop();
});
