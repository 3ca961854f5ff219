// Push-lane deliveries that must wait are kept, never failed: past PROCESSOR_CONCURRENCY an instance
// answers 429 at once without touching the job; a duplicate under a live lease is answered for
// redelivery (so the job survives its holder's death); a dead letter leaves a live holder's job alone.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DEAD_LETTER_ATTRIBUTE } from '../../../shared/pubsub/pubsub-message.js';
import { processorHarness, pushMessage, type ProcessorHarness } from '../../support/processor-harness.js';
import { processesMatching } from '../../support/process-table.js';
import { startSeparateProcessor } from '../../support/separate-processor.js';
import { eventually } from '../../support/test-env.js';
import { mkdtempOutsideTemp } from '../../support/outside-temp.js';

let h: ProcessorHarness;
before(async () => {
  h = await processorHarness();
});
after(async () => {
  await h.close();
});

test('PROCESSOR_CONCURRENCY=2: a third concurrent delivery gets 429 at once, with no claim; redelivered later, its job completes', async (t) => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'capped-processor-'));
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const processor = await startSeparateProcessor({ ...process.env, ...h.env.env, PROCESSOR_CONCURRENCY: '2', TMPDIR: tmp }, h.env.project);
  t.after(() => processor.stop());
  // Outside the temp area: each job sees only its own folder under TMPDIR.
  const gateDir = mkdtempOutsideTemp('burst-gate-');
  t.after(() => rmSync(gateDir, { recursive: true, force: true }));
  const gate = path.join(gateDir, 'release');
  // The two running jobs wait for a file the test writes, so the third arrives while both run.
  const running = await Promise.all([1, 2].map((n) => h.submit({ prompt: `burst marker-b${n} [[cmd:while ! test -e ${gate}; do sleep 0.05; done; echo run-${n}]] [[final:ran ${n}]]` })));
  const pushes = running.map(({ message }) => processor.push(message));
  await eventually(async () => {
    const docs = await Promise.all(running.map(({ job }) => h.deps.store.get(job.job_id)));
    return docs.every((d) => d?.progress.stage === 'codex_running') ? true : undefined;
  }, 'both jobs to be running', 60_000, 50);
  const extra = await h.submit({ prompt: 'burst marker-b3 [[final:ran 3]]' });
  assert.equal(await processor.push(extra.message), 429, 'the delivery past the cap is refused at once');
  const untouched = await h.deps.store.get(extra.job.job_id);
  assert.equal(untouched?.status, 'queued', 'no claim was made');
  assert.equal(untouched?.attempts, 0);
  writeFileSync(gate, '');
  assert.deepEqual(await Promise.all(pushes), [204, 204]);
  assert.equal(await processor.push(extra.message), 204, 'the redelivery runs it');
  const done = await h.deps.store.get(extra.job.job_id);
  assert.equal(done?.status, 'completed');
  assert.equal(done?.result?.final_message, 'ran 3');
});

test('a duplicate under a live lease is not acked (503 busy with Retry-After), the running job is not disturbed, and a redelivery after it ended is acked', async () => {
  const { job, message } = await h.submit({ prompt: 'dup marker-du [[cmd:sleep 3.217]] [[final:once]]' });
  const first = h.deliver(message);
  await eventually(() => (processesMatching('sleep 3.217').length ? true : undefined), 'the job to be running', 60_000, 20);
  const duplicate = await h.deliver(pushMessage(job), h.otherProcessor());
  assert.equal(duplicate.ack, false, 'the duplicate is kept for redelivery');
  assert.equal(duplicate.reason, 'busy');
  assert.ok(!duplicate.ack && duplicate.retryAfterSeconds && duplicate.retryAfterSeconds >= 1);
  assert.deepEqual(await first, { ack: true, reason: 'ran' });
  const done = await h.deps.store.get(job.job_id);
  assert.equal(done?.status, 'completed');
  assert.equal(done?.attempts, 1, 'the duplicate did not run it again');
  assert.equal(h.modelRequestsFor('marker-du').filter((r) => r.step === 0).length, 1);
  assert.deepEqual(await h.deliver(pushMessage(job)), { ack: true, reason: 'completed' });
});

test('a dead letter of a job a live holder runs is acked and leaves the job to its holder, which completes it', async () => {
  const { job, message } = await h.submit({ prompt: 'dl marker-dl [[cmd:sleep 3.317]] [[final:finished by holder]]' });
  const first = h.deliver(message);
  await eventually(() => (processesMatching('sleep 3.317').length ? true : undefined), 'the job to be running', 60_000, 20);
  const dead = await h.deliver(pushMessage(job, { [DEAD_LETTER_ATTRIBUTE]: '100' }), h.otherProcessor());
  assert.equal(dead.ack, true);
  assert.equal((await h.deps.store.get(job.job_id))?.status, 'processing', 'the dead letter did not end the job');
  assert.deepEqual(await first, { ack: true, reason: 'ran' });
  const done = await h.deps.store.get(job.job_id);
  assert.equal(done?.status, 'completed');
  assert.equal(done?.result?.final_message, 'finished by holder');
  assert.equal(done?.error, null);
});
