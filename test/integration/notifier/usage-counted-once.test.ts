// Usage is counted on the owner's UTC day once per terminal job, whatever the redeliveries of its
// codex-results message (a storm of 20 at once), with or without a callback, and whatever the ending.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { newJobId } from '../../../shared/jobs/job-id.js';
import type { ResultMessage } from '../../../shared/jobs/result-message.js';
import { USAGE_COLLECTION, usageDayDocSchema, usageDayId, type UsageDayDoc } from '../../../shared/usage/usage-day.js';
import { notifierHarness, type NotifierHarness } from './notifier-harness.js';

let h: NotifierHarness;
let base: ResultMessage;
before(async () => {
  h = await notifierHarness();
  base = await h.terminalJob(null);
});
after(async () => {
  await h.close();
});

async function day(owner: string, date: string): Promise<UsageDayDoc | null> {
  const snap = await h.env.firestore.collection(USAGE_COLLECTION).doc(usageDayId(owner, date)).get();
  return snap.exists ? usageDayDocSchema.parse(snap.data()) : null;
}

function resultOf(owner: string, patch: Partial<ResultMessage>): ResultMessage {
  return { ...base, job_id: newJobId(), owner, callback_url: null, ...patch };
}

const usage = { input_tokens: 700, cached_input_tokens: 200, output_tokens: 300, reasoning_output_tokens: 50, total_tokens: 1000, cost_usd: 0.003650 };

test('the same result delivered 20 times at once is counted once', async () => {
  const result = resultOf('storm-owner', { usage, execution_time_ms: 2500, completed_at: '2026-12-06T10:00:00.000Z' });
  const answers = await Promise.all(Array.from({ length: 20 }, () => h.push(result)));
  assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([204]), JSON.stringify(answers));
  const doc = await day('storm-owner', '2026-12-06');
  assert.ok(doc, 'the day document exists');
  assert.equal(doc.jobs, 1);
  assert.equal(doc.total_tokens, 1000);
  assert.equal(doc.input_tokens, 700);
  assert.equal(doc.cached_input_tokens, 200);
  assert.equal(doc.output_tokens, 300);
  assert.equal(doc.cost_micro_usd, 3650);
  assert.equal(doc.run_ms, 2500);
  assert.equal(doc.month, '2026-12');
});

test('cancelled and failed jobs count what they spent; a job that never ran counts as a job with no tokens', async () => {
  const when = { completed_at: '2026-12-07T23:59:59.999Z' };
  await h.push(resultOf('ending-owner', { ...when, status: 'cancelled', usage: { ...usage, cost_usd: 0.001 }, execution_time_ms: 1000 }));
  await h.push(resultOf('ending-owner', { ...when, status: 'failed', usage: { ...usage, total_tokens: 10, cost_usd: 0.000002 }, execution_time_ms: 500 }));
  await h.push(resultOf('ending-owner', { ...when, status: 'failed', usage: null, execution_time_ms: null }));
  const doc = await day('ending-owner', '2026-12-07');
  assert.ok(doc);
  assert.equal(doc.jobs, 3);
  assert.equal(doc.total_tokens, 1010);
  assert.equal(doc.cost_micro_usd, 1002);
  assert.equal(doc.run_ms, 1500);
});

test('each owner and UTC day has its own counters', async () => {
  await h.push(resultOf('day-owner', { usage, completed_at: '2026-12-08T00:00:00.000Z' }));
  await h.push(resultOf('day-owner', { usage, completed_at: '2026-12-08T23:00:00.000Z' }));
  await h.push(resultOf('day-owner', { usage, completed_at: '2026-12-09T00:00:00.000Z' }));
  await h.push(resultOf('other-owner', { usage, completed_at: '2026-12-08T12:00:00.000Z' }));
  assert.equal((await day('day-owner', '2026-12-08'))?.total_tokens, 2000);
  assert.equal((await day('day-owner', '2026-12-09'))?.total_tokens, 1000);
  assert.equal((await day('other-owner', '2026-12-08'))?.jobs, 1);
});
