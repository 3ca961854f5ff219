// The codex-results marks on the emulator (shared/store/result-marks.ts): every terminal write makes
// the result owed in its own transaction; one sender at a time reserves it; a failed publish makes
// it due again; a confirmed one is never sent again; documents of before the marks count as sent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failedJobDocument } from '../../../shared/jobs/job-document.js';
import { JOBS_COLLECTION } from '../../../shared/store/firestore-job-store.js';
import { FirestoreRecoveryStore } from '../../../shared/store/firestore-recovery-store.js';
import { RESULT_RESEND_AFTER_MS } from '../../../shared/store/result-marks.js';
import { abandonedDoc, claimOptions, processingJob, queuedDoc, result, spec, storeUnderTest } from './store-fixtures.js';

const { store, env } = storeUnderTest();
const raw = async (jobId: string) => (await env().firestore.collection(JOBS_COLLECTION).doc(jobId).get()).data()!;
const later = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();


async function completedJob() {
  const job = await processingJob(store());
  return (await store().finish(job.job_id, 'completed', { result: result() }, 'proc-a'))!;
}

describe('every terminal write owes the result, in its own transaction', () => {
  it('finish: due at once; with reserveResult: held by the writer for RESULT_RESEND_AFTER_MS', async () => {
    const owed = await completedJob();
    assert.equal((await raw(owed.job_id)).result_due_at, owed.completed_at);
    const job = await processingJob(store());
    const reserved = (await store().finish(job.job_id, 'completed', { result: result() }, 'proc-a', { reserveResult: true }))!;
    assert.equal((await raw(job.job_id)).result_due_at, later(reserved.completed_at!, RESULT_RESEND_AFTER_MS));
    assert.equal(await store().reserveResult(job.job_id), null, 'nobody else sends it while the writer holds it');
  });

  it('cancel of a queued job, dead-lettering, a claim that ends the job, a job born failed, a sweep that ends one', async () => {
    const queued = queuedDoc();
    await store().create(queued);
    const cancelled = await store().cancel(queued.job_id);
    assert.equal(cancelled.outcome, 'cancelled');
    const dead = await store().failDeadLettered(spec(), 'dead', 30);
    const exhausted = abandonedDoc(3);
    await store().create(exhausted);
    const ended = await store().claim(exhausted, claimOptions('proc-b'));
    assert.equal(ended.outcome, 'ended');
    const rejected = failedJobDocument(spec(), { code: 'bad_request', message: 'bad file' }, 30);
    await store().create(rejected);
    const withdrawn = queuedDoc();
    await store().create(withdrawn);
    const settled = await new FirestoreRecoveryStore(env().firestore).settle(withdrawn.job_id, () => ({ action: 'end', to: 'failed', error: { code: 'internal', message: 'withdrawn' } }));
    for (const job of [cancelled.outcome === 'cancelled' ? cancelled.job : null, dead, ended.job, rejected, settled!.job]) {
      assert.ok(job?.completed_at, `${job?.job_id} ended`);
      assert.equal((await raw(job.job_id)).result_due_at, job.completed_at, `${job.status} ${job.error?.code ?? ''}: owed from its end`);
    }
  });
});

describe('reserveResult, releaseResult, confirmResultSent', () => {
  it('one reservation at a time; a release makes it due again; a confirmation ends it for good', async () => {
    const job = await completedJob();
    const reserved = await store().reserveResult(job.job_id);
    assert.deepEqual(reserved, await store().get(job.job_id), 'the job as it is, to build the message from');
    assert.equal(await store().reserveResult(job.job_id), null, 'held');
    await store().releaseResult(job.job_id);
    assert.ok(await store().reserveResult(job.job_id), 'the failed publish is due again at once');
    await store().confirmResultSent(job.job_id);
    const after = await raw(job.job_id);
    assert.equal(after.result_due_at, undefined, 'out of the sweeper’s query');
    assert.equal(typeof after.result_sent_at, 'string');
    assert.equal(await store().reserveResult(job.job_id, new Date(Date.now() + 86_400_000)), null, 'never again, however late');
    await store().releaseResult(job.job_id);
    assert.equal((await raw(job.job_id)).result_due_at, undefined, 'a late release does not make a sent result due');
  });

  it('a reservation not confirmed within RESULT_RESEND_AFTER_MS can be taken again (its sender is gone)', async () => {
    const job = await completedJob();
    const at = new Date();
    assert.ok(await store().reserveResult(job.job_id, at));
    assert.equal(await store().reserveResult(job.job_id, new Date(at.getTime() + RESULT_RESEND_AFTER_MS - 1)), null);
    assert.ok(await store().reserveResult(job.job_id, new Date(at.getTime() + RESULT_RESEND_AFTER_MS)));
  });

  it('concurrent reservations: exactly one wins', async () => {
    const job = await completedJob();
    const got = await Promise.all(Array.from({ length: 5 }, () => store().reserveResult(job.job_id)));
    assert.equal(got.filter(Boolean).length, 1);
  });

  it('null for a missing job, a job not yet terminal, and a job marked published before the marks existed', async () => {
    assert.equal(await store().reserveResult(spec().job_id), null);
    const running = await processingJob(store());
    assert.equal(await store().reserveResult(running.job_id), null);
    const legacy = await completedJob();
    await env().firestore.collection(JOBS_COLLECTION).doc(legacy.job_id).update({ result_published_at: legacy.completed_at });
    assert.equal(await store().reserveResult(legacy.job_id), null);
    assert.equal((await raw(legacy.job_id)).result_due_at, undefined, 'and it leaves the sweeper’s query');
  });
});
