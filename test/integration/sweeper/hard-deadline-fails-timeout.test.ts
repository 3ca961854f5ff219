// A job still `processing` past started_at + timeout_ms + JOB_LEASE_MS + 300 s is failed with
// `timeout` by the sweep, whatever its holder says: the holder's next renewal finds the lease gone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProcessorHarness } from '../../support/processor-harness.js';
import { eventually } from '../../support/test-env.js';
import { sweepHarnessPerFile, type SweepHarness } from './sweep-harness.js';

let h: ProcessorHarness;
let s: SweepHarness;
sweepHarnessPerFile((ph, sh) => ([h, s] = [ph, sh]));

test('past its hard deadline a job with a live, renewing holder fails with timeout; its result goes out once; the holder loses its lease', async () => {
  const { job } = await h.submit({ prompt: 'runs for ever', timeout_ms: 5000 });
  const claim = await h.deps.store.claim(job, { holder: 'stuck-holder', leaseMs: h.env.config.JOB_LEASE_MS, maxAttempts: 3, ttlDays: 30 });
  assert.equal(claim.outcome, 'claimed');
  const startedAt = Date.parse(claim.job.started_at!);
  const deadline = startedAt + 5000 + h.env.config.JOB_LEASE_MS + 300_000;

  const early = await s.sweep(new Date(deadline - 1000));
  assert.equal(early.rules.hard_deadline!.acted, 0, 'not before the deadline');
  assert.equal((await h.deps.store.get(job.job_id))!.status, 'processing');
  assert.ok(await h.deps.store.renewLease(job.job_id, 'stuck-holder', 60_000), 'the holder renews as usual');

  const late = await s.sweep(new Date(deadline + 1000));
  assert.equal(late.rules.hard_deadline!.acted, 1);
  const failed = (await h.deps.store.get(job.job_id))!;
  assert.equal(failed.status, 'failed');
  assert.equal(failed.error?.code, 'timeout');
  assert.equal(failed.lease, null);
  assert.equal(await h.deps.store.renewLease(job.job_id, 'stuck-holder', 60_000), false, 'the holder learns it no longer owns the job');
  assert.equal(await h.deps.store.finish(job.job_id, 'completed', {}, 'stuck-holder'), null, 'nor can it complete it afterwards');

  await s.sweep(new Date(deadline + 61_000));
  await eventually(() => (h.results.messages.some((m) => m.attributes.job_id === job.job_id) ? true : undefined), 'the timeout result');
  assert.deepEqual(h.results.messages.filter((m) => m.attributes.job_id === job.job_id).map((m) => m.attributes.status), ['failed']);
});
