// FirestoreJobStore on the emulator: cancel requests by status, and the document watch the processor
// uses to see them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JobDocument } from '../../../shared/jobs/job-document.js';
import { claimOptions, queuedDoc, result, spec, storeUnderTest } from './store-fixtures.js';

const { store } = storeUnderTest();

describe('cancel', () => {
  it('a queued job is cancelled at once', async () => {
    const doc = queuedDoc();
    await store().create(doc);
    const c = await store().cancel(doc.job_id);
    assert.equal(c.outcome, 'cancelled');
    assert.ok(c.outcome === 'cancelled');
    assert.equal(c.job.status, 'cancelled');
    assert.ok(c.job.completed_at);
    assert.equal(c.job.progress.stage, 'done');
    assert.deepEqual(await store().get(doc.job_id), c.job);
    // A late message for it finds it terminal and runs nothing.
    assert.equal((await store().claim(doc, claimOptions('proc-a'))).outcome, 'terminal');
  });

  it('a processing job gets cancel_requested and stays processing until its turn stops', async () => {
    const doc = queuedDoc();
    await store().create(doc);
    await store().claim(doc, claimOptions('proc-a'));
    const c = await store().cancel(doc.job_id);
    assert.equal(c.outcome, 'requested');
    assert.ok(c.outcome === 'requested');
    assert.equal(c.job.status, 'processing');
    assert.equal(c.job.cancel_requested, true);
    const stored = await store().get(doc.job_id);
    assert.equal(stored?.status, 'processing');
    assert.equal(stored?.cancel_requested, true);
    assert.equal(stored?.lease?.holder, 'proc-a', 'the holder keeps its lease to end the turn');
    // The processor then ends it.
    const ended = await store().finish(doc.job_id, 'cancelled', { error: null }, 'proc-a');
    assert.equal(ended?.status, 'cancelled');
    assert.equal((await store().cancel(doc.job_id)).outcome, 'terminal');
  });

  for (const status of ['completed', 'failed', 'cancelled'] as const) {
    it(`a ${status} job is terminal and unchanged`, async () => {
      const doc: JobDocument = { ...queuedDoc(), status, completed_at: new Date().toISOString(), ...(status === 'completed' ? { result: result() } : {}) };
      await store().create(doc);
      const c = await store().cancel(doc.job_id);
      assert.equal(c.outcome, 'terminal');
      assert.ok(c.outcome === 'terminal');
      assert.deepEqual(c.job, doc);
      assert.deepEqual(await store().get(doc.job_id), doc);
    });
  }

  it('a missing job is missing', async () => {
    assert.deepEqual(await store().cancel(spec().job_id), { outcome: 'missing' });
  });

  it('racing a claim: either cancelled before the claim or requested after it, never both', async () => {
    const doc = queuedDoc();
    await store().create(doc);
    const [claim, cancel] = await Promise.all([store().claim(doc, claimOptions('proc-a')), store().cancel(doc.job_id)]);
    const stored = await store().get(doc.job_id);
    if (cancel.outcome === 'cancelled') {
      assert.equal(claim.outcome, 'terminal');
      assert.equal(stored?.status, 'cancelled');
    } else {
      assert.equal(cancel.outcome, 'requested');
      assert.equal(claim.outcome, 'claimed');
      assert.equal(stored?.status, 'processing');
      assert.equal(stored?.cancel_requested, true);
    }
  });
});

describe('watch', () => {
  it('delivers the current document, then a cancel request, and stops after unsubscribe', async (t) => {
    const doc = queuedDoc();
    await store().create(doc);
    await store().claim(doc, claimOptions('proc-a'));
    const seen: JobDocument[] = [];
    let wake: (() => void) | undefined;
    const next = (check: (d: JobDocument) => boolean) =>
      new Promise<JobDocument>((resolve) => {
        const test = () => {
          const hit = seen.find(check);
          if (hit) resolve(hit);
          else wake = test;
        };
        test();
      });
    const stop = store().watch(doc.job_id, (d) => {
      seen.push(d);
      wake?.();
    });
    t.after(stop);
    const initial = await next((d) => d.status === 'processing');
    assert.equal(initial.cancel_requested, false);
    await store().cancel(doc.job_id);
    const requested = await next((d) => d.cancel_requested);
    assert.equal(requested.status, 'processing');
    stop();
    const count = seen.length;
    await store().finish(doc.job_id, 'cancelled', { error: null }, 'proc-a');
    // A change after unsubscribing must not arrive; a fresh watch proves the write is visible.
    const fresh: JobDocument[] = [];
    await new Promise<void>((resolve) => {
      const stopFresh = store().watch(doc.job_id, (d) => {
        fresh.push(d);
        if (d.status === 'cancelled') {
          stopFresh();
          resolve();
        }
      });
    });
    assert.equal(seen.length, count, 'no callback after unsubscribe');
  });
});
