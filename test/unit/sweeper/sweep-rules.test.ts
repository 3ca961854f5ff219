// The sweep's rules on in-memory fakes of its interfaces: which jobs each rule picks, what it does
// to them, that a second sweep does nothing more, that each rule is bounded and logs its counts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hardDeadline } from '../../../shared/sweeper/hard-deadline.js';
import { requeueIntervalMs } from '../../../shared/sweeper/requeue-backoff.js';
import { runSweep } from '../../../shared/sweeper/run-sweep.js';
import { QUEUED_MAX_AGE_MS } from '../../../shared/sweeper/unrunnable.js';
import { RESULT_RESEND_AFTER_MS } from '../../../shared/store/result-marks.js';
import type { CallbackRecord, JobDocument } from '../../../shared/jobs/job-document.js';
import { memorySweep, processingJob, queuedJob, terminalJob } from './memory-sweep-deps.js';

const NOW = new Date('2030-01-01T12:00:00.000Z');
const LEASE = 60_000;
const RESEND = 900_000;

/** A job ended long ago with a callback in `state`. */
function withCallback(state: CallbackRecord['state'] | null): JobDocument {
  const job = terminalJob(NOW, 3_600_000);
  if (state === null) return job;
  return { ...job, callback_url: 'https://receiver.example/hook', callback: { state, attempts: 5, last_status: 503, last_error: 'HTTP 503', delivered_at: null } };
}

/** Its result confirmed sent `agoMs` before NOW. */
const sentAgo = (agoMs: number) => ({ due_at: null, sent: true, sent_at: new Date(NOW.getTime() - agoMs).toISOString() });

describe('sweep rules', () => {
  it('republishes an expired lease once, then waits out the backoff before the next republish', async () => {
    const m = memorySweep();
    const job = m.recovery.put(processingJob(NOW, 20_000, -5_000));
    const live = m.recovery.put(processingJob(NOW, 20_000, 3_600_000));
    const first = await runSweep(m.deps(NOW));
    assert.equal(first.rules.expired_lease!.acted, 1);
    assert.deepEqual(m.published.map((p) => p.job_id), [job.job_id], 'only the job whose holder is gone');
    assert.equal(m.recovery.job(job.job_id).status, 'processing', 'the processor that takes it over moves it, not the sweep');
    const again = await runSweep(m.deps(new Date(NOW.getTime() + 60_000)));
    assert.equal(again.rules.expired_lease!.acted, 0, 'a second sweep a minute later does not republish');
    assert.equal(m.published.length, 1);
    await runSweep(m.deps(new Date(NOW.getTime() + requeueIntervalMs(1) + 1)));
    assert.equal(m.published.length, 2, 'after the backoff the job is republished again');
    assert.ok(!m.published.some((p) => p.job_id === live.job_id));
  });

  it('fails a job past started_at + timeout_ms + JOB_LEASE_MS + 300 s with timeout, even under a live lease, and publishes its result once', async () => {
    const m = memorySweep();
    const timeoutMs = 30_000;
    const overdue = m.recovery.put(processingJob(NOW, timeoutMs + LEASE + 300_000 + 1, 50_000));
    const justInside = m.recovery.put(processingJob(NOW, timeoutMs + LEASE + 300_000 - 1_000, 50_000));
    assert.equal(hardDeadline(overdue, LEASE), Date.parse(overdue.started_at!) + timeoutMs + LEASE + 300_000);
    const report = await runSweep(m.deps(NOW));
    assert.equal(report.rules.hard_deadline!.acted, 1);
    assert.equal(m.recovery.job(overdue.job_id).status, 'failed');
    assert.equal(m.recovery.job(overdue.job_id).error?.code, 'timeout');
    assert.equal(m.recovery.job(justInside.job_id).status, 'processing');
    await runSweep(m.deps(NOW));
    assert.deepEqual(m.results.map((r) => [r.job_id, r.status]), [[overdue.job_id, 'failed']], 'one result, not one per sweep');
  });

  it('ends an expired job with a cancel requested as cancelled, and one out of attempts as max_attempts, without a processor', async () => {
    const m = memorySweep();
    const cancelled = m.recovery.put(processingJob(NOW, 20_000, -1_000, { cancel_requested: true }));
    const exhausted = m.recovery.put(processingJob(NOW, 20_000, -1_000, { attempts: 3 }));
    const report = await runSweep(m.deps(NOW));
    assert.equal(report.rules.unrunnable!.acted, 2);
    assert.equal(m.recovery.job(cancelled.job_id).status, 'cancelled');
    assert.equal(m.recovery.job(exhausted.job_id).status, 'failed');
    assert.equal(m.recovery.job(exhausted.job_id).error?.code, 'max_attempts');
    assert.equal(m.published.length, 0, 'nothing republished for jobs that were ended');
    assert.equal(m.results.length, 2);
  });

  it('republishes a queued job 120 s after it was made, not before, and ends one queued past the message retention', async () => {
    const m = memorySweep();
    const fresh = m.recovery.put(queuedJob(NOW, 119_000));
    const stale = m.recovery.put(queuedJob(NOW, 121_000));
    const ancient = m.recovery.put(queuedJob(NOW, QUEUED_MAX_AGE_MS + 1000));
    const report = await runSweep(m.deps(NOW));
    assert.deepEqual(m.published.map((p) => p.job_id), [stale.job_id]);
    assert.equal(report.rules.stale_queued!.acted, 1);
    assert.equal(m.recovery.job(fresh.job_id).status, 'queued');
    assert.equal(m.recovery.job(ancient.job_id).status, 'failed');
    assert.equal(m.recovery.job(ancient.job_id).error?.code, 'dead_lettered');
  });

  it('handles at most SWEEP_BATCH jobs per rule and sweep; the rest wait for the next sweep', async () => {
    const m = memorySweep();
    for (let i = 0; i < 7; i++) m.recovery.put(queuedJob(NOW, 200_000 + i));
    await runSweep(m.deps(NOW, { SWEEP_BATCH: 3 }));
    assert.equal(m.published.length, 3);
    await runSweep(m.deps(NOW, { SWEEP_BATCH: 3 }));
    assert.equal(m.published.length, 6);
    await runSweep(m.deps(NOW, { SWEEP_BATCH: 3 }));
    assert.equal(new Set(m.published.map((p) => p.job_id)).size, 7, 'every job once');
  });

  it('a failed publish is counted and logged, and the job is due again at the next sweep', async () => {
    const m = memorySweep();
    const job = m.recovery.put(queuedJob(NOW, 200_000));
    m.failPublishes(1);
    const report = await runSweep(m.deps(NOW));
    assert.equal(report.rules.stale_queued!.errors, 1);
    assert.ok(m.logs.some((l) => l.severity === 'ERROR' && l.job_id === job.job_id && l.rule === 'stale_queued'));
    await runSweep(m.deps(new Date(NOW.getTime() + 60_000)));
    assert.deepEqual(m.published.map((p) => p.job_id), [job.job_id]);
  });

  it('publishes a result reserved longer than RESULT_RESEND_AFTER_MS and never confirmed, once; leaves a younger reservation and a sent result alone', async () => {
    const m = memorySweep();
    const reserved = (agoMs: number) => ({ due_at: new Date(NOW.getTime() - agoMs + RESULT_RESEND_AFTER_MS).toISOString() });
    const abandoned = m.recovery.put(terminalJob(NOW, 130_000), {}, reserved(RESULT_RESEND_AFTER_MS + 1_000));
    const young = m.recovery.put(terminalJob(NOW, 60_000), {}, reserved(60_000));
    const sent = m.recovery.put(terminalJob(NOW, 600_000), {}, { due_at: null, sent: true });
    const neverReserved = m.recovery.put(terminalJob(NOW, 1_000, 'cancelled'));
    const report = await runSweep(m.deps(NOW));
    assert.equal(report.rules.unsent_result!.acted, 2);
    assert.deepEqual(m.results.map((r) => r.job_id).sort(), [abandoned.job_id, neverReserved.job_id].sort());
    assert.ok(!m.results.some((r) => r.job_id === young.job_id || r.job_id === sent.job_id));
    const again = await runSweep(m.deps(new Date(NOW.getTime() + RESULT_RESEND_AFTER_MS + 60_000)));
    assert.equal(again.rules.unsent_result!.acted, 1, 'only the young reservation, once it ran out');
    assert.deepEqual(m.results.map((r) => r.job_id).slice(2), [young.job_id]);
  });

  it('a failed result publish is counted and logged, and the result is due again at the next sweep', async () => {
    const m = memorySweep();
    const job = m.recovery.put(terminalJob(NOW, 200_000, 'failed'));
    m.failResultPublishes(1);
    const report = await runSweep(m.deps(NOW));
    assert.equal(report.rules.unsent_result!.errors, 1);
    assert.ok(m.logs.some((l) => l.severity === 'ERROR' && l.job_id === job.job_id && l.rule === 'unsent_result'));
    await runSweep(m.deps(new Date(NOW.getTime() + 60_000)));
    assert.deepEqual(m.results.map((r) => [r.job_id, r.status]), [[job.job_id, 'failed']]);
  });

  it('republishes the result of a job whose webhook stayed pending WEBHOOK_RESEND_AFTER_MS after its result went out, once; leaves a younger one, a final one and one without callback alone', async () => {
    const m = memorySweep();
    const stuck = m.recovery.put(withCallback('pending'), {}, sentAgo(RESEND + 1_000));
    const young = m.recovery.put(withCallback('pending'), {}, sentAgo(RESEND - 120_000));
    const delivered = m.recovery.put(withCallback('delivered'), {}, sentAgo(RESEND * 4));
    const failed = m.recovery.put(withCallback('failed'), {}, sentAgo(RESEND * 4));
    const noCallback = m.recovery.put(withCallback(null), {}, sentAgo(RESEND * 4));
    const report = await runSweep(m.deps(NOW));
    assert.deepEqual(report.rules.stale_webhook, { examined: 1, acted: 1, skipped: 0, errors: 0 });
    assert.deepEqual(m.results.map((r) => [r.job_id, r.status, r.callback_url]), [[stuck.job_id, 'completed', 'https://receiver.example/hook']]);
    assert.equal(report.rules.unsent_result!.acted, 0, 'a sent result is not owed: only this rule sends it again');
    assert.equal(m.recovery.rows.get(stuck.job_id)!.result.sent_at, NOW.toISOString(), 'the mark moved to the sweep');
    assert.ok(m.logs.some((l) => l.severity === 'WARNING' && l.job_id === stuck.job_id && l.rule === 'stale_webhook'));
    const again = await runSweep(m.deps(new Date(NOW.getTime() + 60_000)));
    assert.equal(again.rules.stale_webhook!.acted, 0, 'a second sweep right after sends nothing');
    assert.equal(m.results.length, 1);
    for (const job of [young, delivered, failed, noCallback]) assert.ok(!m.results.some((r) => r.job_id === job.job_id));
  });

  it('a pending webhook is resent again only after another WEBHOOK_RESEND_AFTER_MS; a failed republish is retried at the next sweep', async () => {
    const m = memorySweep();
    const job = m.recovery.put(withCallback('pending'), {}, sentAgo(RESEND + 1_000));
    m.failResultPublishes(1);
    const failing = await runSweep(m.deps(NOW));
    assert.equal(failing.rules.stale_webhook!.errors, 1);
    assert.ok(m.logs.some((l) => l.severity === 'ERROR' && l.job_id === job.job_id && l.rule === 'stale_webhook'));
    const retried = await runSweep(m.deps(new Date(NOW.getTime() + 60_000)));
    assert.equal(retried.rules.stale_webhook!.acted, 1, 'the failed publish put the mark back');
    assert.equal((await runSweep(m.deps(new Date(NOW.getTime() + 60_000 + RESEND - 1_000)))).rules.stale_webhook!.acted, 0);
    assert.equal((await runSweep(m.deps(new Date(NOW.getTime() + 60_000 + RESEND + 1_000)))).rules.stale_webhook!.acted, 1, 'still pending: once more');
    assert.deepEqual(m.results.map((r) => r.job_id), [job.job_id, job.job_id]);
  });

  it('logs one count line per rule', async () => {
    const m = memorySweep();
    await runSweep(m.deps(NOW));
    const lines = m.logs.filter((l) => typeof l.rule === 'string' && String(l.message).startsWith('sweep rule '));
    assert.deepEqual(lines.map((l) => l.rule), ['hard_deadline', 'unrunnable', 'expired_lease', 'stale_queued', 'unsent_result', 'stale_webhook']);
    for (const l of lines) for (const k of ['examined', 'acted', 'skipped', 'errors']) assert.equal(typeof l[k], 'number', `${String(l.rule)}.${k}`);
  });

  it('backs off republishes from 240 s, doubling, to at most an hour', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 10].map(requeueIntervalMs), [240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000]);
  });
});
