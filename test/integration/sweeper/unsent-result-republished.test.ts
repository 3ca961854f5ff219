// A terminal job whose codex-results message never went out (its sender was killed between the
// terminal write and the publish) gets exactly one from the sweep, once the sender's reservation
// has run out; a result already sent, and a reservation still held, get nothing. Real Firestore and
// Pub/Sub emulators; the sweep's clock is moved, nothing sleeps.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { publishReservedResult } from '../../../shared/processor/publish-result.js';
import { JOBS_COLLECTION } from '../../../shared/store/firestore-job-store.js';
import { RESULT_RESEND_AFTER_MS } from '../../../shared/store/result-marks.js';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';
import { eventually } from '../../support/test-env.js';
import { result } from '../store/store-fixtures.js';
import { sweepHarness, type SweepHarness } from './sweep-harness.js';

async function harnesses(t: TestContext): Promise<{ h: ProcessorHarness; s: SweepHarness }> {
  const h = await processorHarness();
  const s = await sweepHarness(h);
  t.after(async () => {
    await s.close();
    await h.close();
  });
  return { h, s };
}

/** A job claimed by `holder` and ended the way the processor's finish() ends it: terminal write and reservation in one transaction. */
async function endedByProcessor(h: ProcessorHarness, holder: string, finalMessage: string) {
  const { job } = await h.submit({ prompt: `ends as ${finalMessage}` });
  const claim = await h.deps.store.claim(job, { holder, leaseMs: h.env.config.JOB_LEASE_MS, maxAttempts: 3, ttlDays: 30 });
  assert.equal(claim.outcome, 'claimed');
  const done = await h.deps.store.finish(job.job_id, 'completed', { result: result({ final_message: finalMessage }) }, holder, { reserveResult: true });
  assert.ok(done);
  return done;
}

/** Every codex-results message of each job, counted once a sentinel published after them has arrived. */
async function resultCounts(h: ProcessorHarness, jobIds: string[]): Promise<number[]> {
  const sentinel = `sentinel-${jobIds[0]}`;
  await h.deps.queue.publishResult({ job_id: sentinel, status: 'completed', exit_code: 0, final_message: '', stdout: '', stderr: '', execution_time_ms: 0, output_files: [], usage: null, completed_at: new Date().toISOString() });
  await eventually(() => (h.results.messages.some((m) => m.attributes.job_id === sentinel) ? true : undefined), 'the sentinel result');
  return jobIds.map((id) => h.results.messages.filter((m) => m.attributes.job_id === id).length);
}

test('a processor killed between its terminal write and the publish: one result from the sweep after the reservation ran out; a sent result and a held reservation get none', async (t) => {
  const { h, s } = await harnesses(t);
  // Killed: the terminal write reserved the result, and the process died before publishing it.
  const killed = await endedByProcessor(h, 'killed-holder', 'finished before the kill');
  const T = Date.parse(killed.completed_at!);
  // Sent: the processor's normal path, the publish and its confirmation included.
  const sent = await endedByProcessor(h, 'live-holder', 'sent as usual');
  await publishReservedResult(h.deps.store, h.deps.queue, sent);
  // Held: a queued job cancelled (its result owed at once), whose canceller reserved the result
  // 60 s before the due sweep and is still publishing it.
  const { job: held } = await h.submit({ prompt: 'cancelled, result on its way' });
  assert.equal((await h.deps.store.cancel(held.job_id)).outcome, 'cancelled');
  assert.ok(await h.deps.store.reserveResult(held.job_id, new Date(T + RESULT_RESEND_AFTER_MS + 1_000 - 60_000)));

  const early = await s.sweep(new Date(T + RESULT_RESEND_AFTER_MS - 1_000));
  assert.equal(early.rules.unsent_result!.acted, 0, 'the killed sender’s reservation has not run out yet');
  const due = await s.sweep(new Date(T + RESULT_RESEND_AFTER_MS + 1_000));
  assert.deepEqual(due.rules.unsent_result, { examined: 1, acted: 1, skipped: 0, errors: 0 });
  const again = await s.sweep(new Date(T + RESULT_RESEND_AFTER_MS + 1_000));
  assert.equal(again.rules.unsent_result!.examined, 0, 'a second sweep sends nothing more');

  const message = await eventually(() => h.results.messages.find((m) => m.attributes.job_id === killed.job_id), 'the killed job’s result');
  assert.equal(message.attributes.status, 'completed');
  assert.equal((message.data as { final_message: string }).final_message, 'finished before the kill');
  assert.deepEqual(await resultCounts(h, [killed.job_id, sent.job_id, held.job_id]), [1, 1, 0], 'killed: 1 (the sweep’s); sent: only its own; held: left to its sender');
  const stored = (await h.env.firestore.collection(JOBS_COLLECTION).doc(killed.job_id).get()).data()!;
  assert.equal(stored.result_due_at, undefined, 'confirmed: out of the sweep’s query');
  assert.equal(typeof stored.result_sent_at, 'string');
});

test('a queued job cancelled by a caller that died before publishing: the next sweep sends its result, once', async (t) => {
  const { h, s } = await harnesses(t);
  const { job } = await h.submit({ prompt: 'cancelled while queued' });
  const cancelled = await h.deps.store.cancel(job.job_id); // the API's cancel, without its publish
  assert.equal(cancelled.outcome, 'cancelled');
  const now = new Date(Date.now() + 1_000);
  assert.equal((await s.sweep(now)).rules.unsent_result!.acted, 1, 'owed from the cancel on: nobody reserved it');
  assert.equal((await s.sweep(new Date(now.getTime() + RESULT_RESEND_AFTER_MS * 10))).rules.unsent_result!.examined, 0);
  assert.deepEqual(await resultCounts(h, [job.job_id]), [1]);
  assert.equal(h.results.messages.find((m) => m.attributes.job_id === job.job_id)!.attributes.status, 'cancelled');
});
