// At-least-once in, exactly-once effects out: every job message delivered three times at once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DeliveryVerdict } from '../../../shared/processor/handle-job-message.js';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';

let h: ProcessorHarness;
before(async () => {
  h = await processorHarness();
});
after(async () => {
  await h.close();
});

test('50 jobs, each message delivered 3 times concurrently: Codex runs once per job, one terminal state and one result message each; duplicates kept while it runs are acked after', async () => {
  const JOBS = 50;
  const BATCH = 10; // jobs in flight at once (30 deliveries), so 2 cores are not swamped by 50 Codex processes
  const submitted: Awaited<ReturnType<ProcessorHarness['submit']>>[] = [];
  for (let i = 0; i < JOBS; i++) submitted.push(await h.submit({ prompt: `exactly-once job ${i} marker-eo-${i}. [[cmd:echo run-${i}]] [[final:done ${i}]]` }));
  for (let i = 0; i < JOBS; i += BATCH) {
    const batch = submitted.slice(i, i + BATCH);
    const verdicts: DeliveryVerdict[] = await Promise.all(batch.flatMap(({ message }) => [h.deliver(message), h.deliver(message), h.deliver(message)]));
    // A duplicate under the running job's live lease is kept (not acked) and comes back later; then it is acked.
    assert.ok(verdicts.every((v) => v.ack || v.reason === 'busy'), `every delivery is acked or kept as busy (${verdicts.map((v) => v.reason).join(',')})`);
    const redelivered = await Promise.all(verdicts.flatMap((v, k) => (v.ack ? [] : [h.deliver(batch[Math.floor(k / 3)]!.message)])));
    assert.ok(redelivered.every((v) => v.ack && v.reason === 'completed'), 'a kept duplicate is acked once its job ended');
    for (let j = 0; j < batch.length; j++) {
      const reasons: string[] = verdicts.slice(j * 3, j * 3 + 3).map((v) => v.reason);
      assert.equal(reasons.filter((r) => r === 'ran').length, 1, `exactly one delivery of job ${i + j} ran it (got ${reasons.join(',')})`);
    }
  }
  for (let i = 0; i < JOBS; i++) {
    // One turn = one request for the command + one for the final answer.
    assert.equal(h.modelRequestsFor(`marker-eo-${i}.`).length, 2, `Codex ran job ${i} exactly once`);
    const job = await h.deps.store.get(submitted[i]!.job.job_id);
    assert.equal(job?.status, 'completed');
    assert.equal(job?.attempts, 1);
    assert.equal(job?.result?.final_message, `done ${i}`);
  }
  // Redelivering a finished job's message does nothing and publishes nothing new.
  const late = await h.deliver(submitted[0]!.message);
  assert.deepEqual(late, { ack: true, reason: 'completed' });

  const sentinel = 'sentinel-' + Date.now();
  await h.deps.queue.publishResult({ job_id: sentinel, status: 'completed', exit_code: 0, final_message: '', stdout: '', stderr: '', execution_time_ms: 0, output_files: [], usage: null, completed_at: new Date().toISOString() });
  await new Promise<void>((resolve) => {
    const check = setInterval(() => {
      if (h.results.messages.some((m) => (m.data as { job_id: string }).job_id === sentinel)) {
        clearInterval(check);
        resolve();
      }
    }, 50);
  });
  const ids = h.results.messages.map((m) => (m.data as { job_id: string }).job_id).filter((id) => id !== sentinel);
  assert.equal(ids.length, JOBS, 'one codex-results message per job');
  assert.equal(new Set(ids).size, JOBS);
});
