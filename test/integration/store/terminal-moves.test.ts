// FirestoreJobStore on the emulator: terminal moves (finish, dead-lettering), the result as stored
// and the TTL field's type. The result marks of terminal jobs: result-marks.test.ts.
import assert from 'node:assert/strict';
import { Timestamp } from '@google-cloud/firestore';
import { describe, it } from 'node:test';
import { IllegalTransitionError } from '../../../shared/jobs/job-status.js';
import { DOC_TEXT_LIMIT, JOBS_COLLECTION } from '../../../shared/store/firestore-job-store.js';
import { claimOptions, processingJob, queuedDoc, result, spec, storeUnderTest } from './store-fixtures.js';

const { store, env } = storeUnderTest();


describe('finish', () => {
  it('completed: stores the result, clears the lease, marks the time', async () => {
    const job = await processingJob(store());
    const done = await store().finish(job.job_id, 'completed', { result: result(), error: null }, 'proc-a');
    assert.ok(done);
    assert.equal(done.status, 'completed');
    assert.deepEqual(done.result, result());
    assert.equal(done.error, null);
    assert.equal(done.lease, null);
    assert.ok(done.completed_at && Date.parse(done.completed_at) >= Date.parse(job.started_at!));
    assert.equal(done.progress.stage, 'done');
    assert.equal(done.attempts, 1);
    assert.deepEqual(await store().get(job.job_id), done);
  });

  it('cuts a long stdout, stderr and final message to DOC_TEXT_LIMIT in the document', async () => {
    const job = await processingJob(store());
    const long = 'x'.repeat(DOC_TEXT_LIMIT) + 'TAIL'.repeat(250);
    const done = await store().finish(job.job_id, 'completed', { result: result({ stdout: long, stderr: long, final_message: long }) }, 'proc-a');
    const stored = await store().get(job.job_id);
    assert.deepEqual(stored, done);
    for (const text of [stored!.result!.stdout, stored!.result!.stderr, stored!.result!.final_message]) {
      assert.ok(text.startsWith('x'.repeat(DOC_TEXT_LIMIT)));
      assert.ok(!text.includes('TAIL'));
      assert.match(text, /cut: 1000 more characters/);
      assert.ok(text.length < DOC_TEXT_LIMIT + 200, String(text.length));
    }
    const exact = await processingJob(store());
    const fits = 'y'.repeat(DOC_TEXT_LIMIT);
    const kept = await store().finish(exact.job_id, 'completed', { result: result({ stdout: fits }) }, 'proc-a');
    assert.equal(kept?.result?.stdout, fits, 'exactly DOC_TEXT_LIMIT characters are kept whole');
  });

  it('failed: stores the error', async () => {
    const job = await processingJob(store());
    const done = await store().finish(job.job_id, 'failed', { error: { code: 'timeout', message: 'past 30000 ms' } }, 'proc-a');
    assert.equal(done?.status, 'failed');
    assert.deepEqual(done?.error, { code: 'timeout', message: 'past 30000 ms' });
    assert.equal((await store().get(job.job_id))?.error?.code, 'timeout');
  });

  it('with a holder that does not own the lease: null and the job unchanged', async () => {
    const job = await processingJob(store(), 'proc-a');
    const before = await store().get(job.job_id);
    assert.equal(await store().finish(job.job_id, 'completed', { result: result() }, 'proc-b'), null);
    assert.deepEqual(await store().get(job.job_id), before);
  });

  it('on a terminal job: null, and the status never changes', async () => {
    const job = await processingJob(store());
    const done = await store().finish(job.job_id, 'completed', { result: result() }, 'proc-a');
    for (const to of ['completed', 'failed', 'cancelled'] as const) {
      assert.equal(await store().finish(job.job_id, to, { error: to === 'failed' ? { code: 'internal', message: 'late' } : null }, 'proc-a'), null);
      assert.equal(await store().finish(job.job_id, to, { error: null }), null, 'without a holder too');
    }
    assert.deepEqual(await store().get(job.job_id), done);
  });

  it('refuses an illegal move (queued → completed) inside the transaction and leaves the job', async () => {
    const doc = queuedDoc();
    await store().create(doc);
    await assert.rejects(store().finish(doc.job_id, 'completed', { result: result() }), IllegalTransitionError);
    await assert.rejects(store().finish(doc.job_id, 'failed', { error: { code: 'internal', message: 'x' } }), IllegalTransitionError);
    assert.deepEqual(await store().get(doc.job_id), doc);
  });

  it('of a missing job: null', async () => {
    assert.equal(await store().finish(spec().job_id, 'completed', { result: result() }), null);
  });
});

describe('failDeadLettered', () => {
  it('fails a queued job with dead_lettered', async () => {
    const doc = queuedDoc();
    await store().create(doc);
    const failed = await store().failDeadLettered(doc, 'delivered 5 times without an ack', 30);
    assert.equal(failed.status, 'failed');
    assert.deepEqual(failed.error, { code: 'dead_lettered', message: 'delivered 5 times without an ack' });
    assert.ok(failed.completed_at);
    assert.deepEqual(await store().get(doc.job_id), failed);
  });

  it('leaves a job alone that a live holder is running: the holder finishes it', async () => {
    const job = await processingJob(store());
    const kept = await store().failDeadLettered(job, 'dead', 30);
    assert.equal(kept.status, 'processing');
    assert.equal(kept.lease?.holder, 'proc-a');
    assert.equal((await store().get(job.job_id))?.status, 'processing');
  });

  it('fails a processing job whose holder is gone (lease expired) with dead_lettered and clears its lease', async () => {
    const doc = queuedDoc();
    await store().create(doc);
    // A lease that ended before this test looks at it: its holder died.
    const c = await store().claim(doc, claimOptions('proc-gone', { leaseMs: -60_000 }));
    assert.equal(c.outcome, 'claimed');
    const job = c.job;
    const failed = await store().failDeadLettered(job, 'dead', 30);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error?.code, 'dead_lettered');
    assert.equal(failed.lease, null);
    assert.equal((await store().get(job.job_id))?.status, 'failed');
  });

  it('records a failed job when the document was never written', async () => {
    const s = spec();
    const failed = await store().failDeadLettered(s, 'dead', 30);
    assert.equal(failed.status, 'failed');
    assert.equal((await store().get(s.job_id))?.error?.code, 'dead_lettered');
  });

  it('leaves a terminal job as it is', async () => {
    const job = await processingJob(store());
    const done = await store().finish(job.job_id, 'completed', { result: result() }, 'proc-a');
    const again = await store().failDeadLettered(job, 'dead', 30);
    assert.deepEqual(again, done);
    assert.deepEqual(await store().get(job.job_id), done);
  });
});

describe('stored shape', () => {
  it('expire_at is a Firestore Timestamp in the document and an ISO string to callers', async () => {
    const doc = queuedDoc();
    await store().create(doc);
    const raw = (await env().firestore.collection(JOBS_COLLECTION).doc(doc.job_id).get()).data()!;
    assert.ok(raw.expire_at instanceof Timestamp, `expire_at is ${typeof raw.expire_at}`);
    assert.equal((raw.expire_at as Timestamp).toDate().toISOString(), doc.expire_at);
    const expectedTtl = Date.parse(doc.created_at) + 30 * 86_400_000;
    assert.ok(Math.abs(Date.parse(doc.expire_at) - expectedTtl) < 5_000);
    assert.equal(raw.created_at, doc.created_at, 'other times stay ISO strings');
    const got = await store().get(doc.job_id);
    assert.equal(got?.expire_at, doc.expire_at);
    // A move rewrites the document: expire_at must stay a Timestamp.
    await store().claim(doc, claimOptions('proc-a'));
    const rawAfter = (await env().firestore.collection(JOBS_COLLECTION).doc(doc.job_id).get()).data()!;
    assert.ok(rawAfter.expire_at instanceof Timestamp);
  });
});

describe('setProgress and setCallback', () => {
  it('update the document in place', async () => {
    const job = await processingJob(store());
    await store().setProgress(job.job_id, 'codex_running', 'codex is working', 40);
    const callback = { state: 'delivered' as const, attempts: 2, last_status: 200, last_error: null, delivered_at: new Date().toISOString() };
    await store().setCallback(job.job_id, callback);
    const got = await store().get(job.job_id);
    assert.equal(got?.progress.stage, 'codex_running');
    assert.equal(got?.progress.percent, 40);
    assert.deepEqual(got?.callback, callback);
    assert.equal(got?.status, 'processing');
  });
});
