// A queued job whose message never went out (the submitter died between the write and the publish)
// is republished 120 s after it was made, runs on the real processor, and is republished again only
// after the backoff while it still waits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProcessorHarness } from '../../support/processor-harness.js';
import { sweepHarnessPerFile, type SweepHarness } from './sweep-harness.js';

let h: ProcessorHarness;
let s: SweepHarness;
sweepHarnessPerFile((ph, sh) => ([h, s] = [ph, sh]));

test('a queued job without a message is republished after 120 s, not before, then completes', async () => {
  const { job } = await h.submit({ prompt: 'never published [[final:found by the sweep]]' });
  const created = Date.parse(job.created_at);
  const early = await s.sweep(new Date(created + 110_000));
  assert.equal(early.rules.stale_queued!.acted, 0);
  const due = await s.sweep(new Date(created + 121_000));
  assert.equal(due.rules.stale_queued!.acted, 1);
  const soon = await s.sweep(new Date(created + 181_000));
  assert.equal(soon.rules.stale_queued!.acted, 0, 'not again within the backoff');
  const later = await s.sweep(new Date(created + 121_000 + 241_000));
  assert.equal(later.rules.stale_queued!.acted, 1, 'again after the backoff, while it still waits');

  const first = await s.republished(job.job_id, 1);
  assert.deepEqual(await h.deliver(first), { ack: true, reason: 'ran' });
  const done = await h.waitForJob(job.job_id);
  assert.equal(done.status, 'completed');
  assert.equal(done.result?.final_message, 'found by the sweep');
  const duplicate = await s.republished(job.job_id, 2);
  assert.equal((await h.deliver(duplicate)).ack, true, 'the duplicate is harmless');
  assert.equal((await h.deps.store.get(job.job_id))!.attempts, 1, 'Codex ran once');
  const after = await s.sweep(new Date(created + 3_600_000));
  assert.equal(after.rules.stale_queued!.acted, 0, 'a job that ran is never republished');
});
