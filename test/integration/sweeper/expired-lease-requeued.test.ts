// A job whose holder died (its lease ran out) and whose message is gone: the sweep republishes it,
// the real processor takes it over (attempts+1) and finishes it; a second sweep does nothing more.
// Past MAX_ATTEMPTS, or with a cancel requested, the sweep ends it itself.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProcessorHarness } from '../../support/processor-harness.js';
import { eventually } from '../../support/test-env.js';
import { sweepHarnessPerFile, type SweepHarness } from './sweep-harness.js';

let h: ProcessorHarness;
let s: SweepHarness;
sweepHarnessPerFile((ph, sh) => ([h, s] = [ph, sh]));

/** Claims the job for a holder that then "dies": its lease ends a millisecond later. */
async function abandon(jobId: string, attempts = 1): Promise<void> {
  const job = (await h.deps.store.get(jobId))!;
  for (let i = 0; i < attempts; i++) {
    const claim = await h.deps.store.claim(job, { holder: `dead-holder-${i}`, leaseMs: 1, maxAttempts: 99, ttlDays: 30 });
    assert.equal(claim.outcome, 'claimed');
    await eventually(async () => ((await h.deps.store.get(jobId))!.lease!.expires_at < new Date().toISOString() ? true : undefined), 'the lease to run out');
  }
}

test('an expired lease is republished; the processor takes the job over with attempts 2 and completes it; the next sweep republishes nothing', async () => {
  const { job } = await h.submit({ prompt: 'taken over [[final:after the takeover]]' });
  await abandon(job.job_id);
  const report = await s.sweep();
  assert.equal(report.rules.expired_lease!.acted, 1);
  const message = await s.republished(job.job_id);
  const verdict = await h.deliver(message);
  assert.deepEqual(verdict, { ack: true, reason: 'ran' });
  const done = await h.waitForJob(job.job_id);
  assert.equal(done.status, 'completed');
  assert.equal(done.attempts, 2);
  assert.equal(done.result?.final_message, 'after the takeover');
  const again = await s.sweep();
  assert.equal(again.rules.expired_lease!.acted, 0);
  assert.equal(s.lane.messages.filter((m) => m.attributes.job_id === job.job_id).length, 1);
});

test('an expired job out of attempts fails with max_attempts, and one with a cancel requested is cancelled, each with its result on codex-results', async () => {
  const { job: exhausted } = await h.submit({ prompt: 'out of attempts' });
  await abandon(exhausted.job_id, h.env.config.MAX_ATTEMPTS);
  const { job: cancelled } = await h.submit({ prompt: 'cancel requested, holder gone' });
  await h.deps.store.claim((await h.deps.store.get(cancelled.job_id))!, { holder: 'live-then-dead', leaseMs: 60_000, maxAttempts: 3, ttlDays: 30 });
  assert.equal((await h.deps.store.cancel(cancelled.job_id)).outcome, 'requested', 'the holder was alive when the cancel came');
  // The holder dies: sweep as if its lease had run out (a minute and a half later).
  const report = await s.sweep(new Date(Date.now() + 90_000));
  assert.ok(report.rules.unrunnable!.acted >= 2);
  const failed = (await h.deps.store.get(exhausted.job_id))!;
  assert.equal(failed.status, 'failed');
  assert.equal(failed.error?.code, 'max_attempts');
  assert.equal((await h.deps.store.get(cancelled.job_id))!.status, 'cancelled');
  for (const [id, status] of [[exhausted.job_id, 'failed'], [cancelled.job_id, 'cancelled']] as const) {
    await eventually(() => (h.results.messages.some((m) => m.attributes.job_id === id && m.attributes.status === status) ? true : undefined), `the ${status} result of ${id}`);
  }
  assert.equal(s.lane.messages.filter((m) => m.attributes.job_id === exhausted.job_id || m.attributes.job_id === cancelled.job_id).length, 0, 'ended jobs are not republished');
});
