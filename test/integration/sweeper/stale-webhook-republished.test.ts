// A completed job whose webhook stayed `pending` long after its result went out (the message was
// dead-lettered after the notifier's failed deliveries, or acked without the outcome recorded) gets
// its codex-results message again from one sweep, exactly once, and its result_sent_at moves to the
// sweep. A younger pending webhook, a delivered one and a job without callback get nothing. Real
// Firestore and Pub/Sub emulators; no notifier runs, so the callbacks stay as written here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CallbackRecord } from '../../../shared/jobs/job-document.js';
import { resultMessageFromJob } from '../../../shared/jobs/result-message.js';
import { JOBS_COLLECTION } from '../../../shared/store/firestore-job-store.js';
import { RESULT_DUE_AT, RESULT_SENT_AT } from '../../../shared/store/result-marks.js';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';
import { eventually } from '../../support/test-env.js';
import { result } from '../store/store-fixtures.js';
import { sweepHarness } from './sweep-harness.js';

const CALLBACK_URL = 'https://receiver.example/hook';

/** A completed job whose result was sent `sentAgoMs` before `now` (the mark only: nothing is on the topic), with its callback in `state`. */
async function sentLongAgo(h: ProcessorHarness, now: Date, sentAgoMs: number, state: CallbackRecord['state'] | null) {
  const { job } = await h.submit({ prompt: `callback ${state ?? 'none'}, sent ${sentAgoMs} ms ago`, ...(state ? { callback_url: CALLBACK_URL } : {}) });
  const holder = `holder-${job.job_id}`;
  assert.equal((await h.deps.store.claim(job, { holder, leaseMs: h.env.config.JOB_LEASE_MS, maxAttempts: 3, ttlDays: 30 })).outcome, 'claimed');
  const done = await h.deps.store.finish(job.job_id, 'completed', { result: result({ final_message: `done ${job.job_id}` }) }, holder, { reserveResult: true });
  assert.ok(done);
  await h.deps.store.confirmResultSent(job.job_id);
  const sentAt = new Date(now.getTime() - sentAgoMs).toISOString();
  await h.env.firestore.collection(JOBS_COLLECTION).doc(job.job_id).update({ [RESULT_SENT_AT]: sentAt });
  if (state) await h.deps.store.setCallback(job.job_id, { state, attempts: 5, last_status: state === 'delivered' ? 200 : 503, last_error: null, delivered_at: null });
  const stored = await h.deps.store.get(job.job_id);
  assert.ok(stored);
  return { job: stored, sentAt };
}

/** Every codex-results message of each job, counted once a sentinel published after them has arrived. */
async function resultCounts(h: ProcessorHarness, jobIds: string[]): Promise<number[]> {
  const sentinel = `sentinel-${jobIds[0]}`;
  await h.deps.queue.publishResult({ job_id: sentinel, status: 'completed', exit_code: 0, final_message: '', stdout: '', stderr: '', execution_time_ms: 0, output_files: [], usage: null, completed_at: new Date().toISOString() });
  await eventually(() => (h.results.messages.some((m) => m.attributes.job_id === sentinel) ? true : undefined), 'the sentinel result');
  return jobIds.map((id) => h.results.messages.filter((m) => m.attributes.job_id === id).length);
}

test('a webhook pending WEBHOOK_RESEND_AFTER_MS after its result went out: one sweep republishes the result once and moves result_sent_at; the others get nothing', async (t) => {
  const h = await processorHarness();
  const s = await sweepHarness(h);
  t.after(async () => {
    await s.close();
    await h.close();
  });
  const resendMs = h.env.config.WEBHOOK_RESEND_AFTER_MS;
  const now = new Date(Date.now() + 1_000);
  const stuck = await sentLongAgo(h, now, resendMs + 60_000, 'pending');
  const young = await sentLongAgo(h, now, resendMs - 120_000, 'pending');
  const delivered = await sentLongAgo(h, now, resendMs * 4, 'delivered');
  const noCallback = await sentLongAgo(h, now, resendMs * 4, null);

  const swept = await s.sweep(now);
  assert.deepEqual(swept.rules.stale_webhook, { examined: 1, acted: 1, skipped: 0, errors: 0 });
  const again = await s.sweep(new Date(now.getTime() + 60_000));
  assert.equal(again.rules.stale_webhook!.examined, 0, 'the moved mark keeps it out of the next sweep');

  assert.deepEqual(await resultCounts(h, [stuck.job.job_id, young.job.job_id, delivered.job.job_id, noCallback.job.job_id]), [1, 0, 0, 0]);
  const message = h.results.messages.find((m) => m.attributes.job_id === stuck.job.job_id)!;
  assert.equal(message.attributes.status, 'completed');
  assert.deepEqual(message.data, JSON.parse(JSON.stringify(resultMessageFromJob(stuck.job))), 'the message the processor publishes');
  const stored = (await h.env.firestore.collection(JOBS_COLLECTION).doc(stuck.job.job_id).get()).data()!;
  assert.equal(stored[RESULT_SENT_AT], now.toISOString(), 'result_sent_at moved to the sweep');
  assert.equal(stored[RESULT_DUE_AT], undefined, 'still sent, not owed: unsent_result leaves it alone');
  assert.equal((stored.callback as CallbackRecord).state, 'pending', 'the notifier, not the sweep, records the outcome');
  const youngStored = (await h.env.firestore.collection(JOBS_COLLECTION).doc(young.job.job_id).get()).data()!;
  assert.equal(youngStored[RESULT_SENT_AT], young.sentAt);
});
