// FirestoreJobStore on the emulator: idempotent create, claims under a lease (races, takeovers,
// attempts), and lease renewal.
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { abandonedDoc, claimOptions, queuedDoc, result, spec, storeUnderTest } from './store-fixtures.js';

const { store } = storeUnderTest();

describe('create', () => {
  it('is idempotent: a second create returns created:false and the original', async () => {
    const first = queuedDoc({ prompt: 'the original prompt' });
    const a = await store().create(first);
    assert.equal(a.created, true);
    assert.deepEqual(a.job, first);
    const b = await store().create({ ...first, prompt: 'a different prompt', owner: 'mallory' });
    assert.equal(b.created, false);
    assert.deepEqual(b.job, first);
    assert.deepEqual(await store().get(first.job_id), first);
  });

  it('concurrent creates of one id: exactly one creates it', async () => {
    const doc = queuedDoc();
    const outcomes = await Promise.all(Array.from({ length: 5 }, (_, i) => store().create({ ...doc, prompt: `prompt ${i}` })));
    assert.equal(outcomes.filter((o) => o.created).length, 1);
    const winner = outcomes.find((o) => o.created)!.job;
    for (const o of outcomes) assert.equal(o.job.prompt, winner.prompt);
  });

  it('get of a missing job is null', async () => {
    assert.equal(await store().get(spec().job_id), null);
  });
});

describe('claim', () => {
  it('moves a queued job to processing under a lease, attempts 1', async () => {
    const doc = queuedDoc();
    await store().create(doc);
    const before = Date.now();
    const c = await store().claim(doc, claimOptions('proc-a', { leaseMs: 60_000 }));
    assert.equal(c.outcome, 'claimed');
    assert.equal(c.job.status, 'processing');
    assert.equal(c.job.attempts, 1);
    assert.equal(c.job.lease?.holder, 'proc-a');
    const expires = Date.parse(c.job.lease!.expires_at);
    assert.ok(expires >= before + 60_000 && expires <= Date.now() + 60_000, c.job.lease!.expires_at);
    assert.ok(c.job.started_at);
    assert.equal(c.job.progress.stage, 'claimed');
    assert.deepEqual(await store().get(doc.job_id), c.job);
  });

  it('creates a missing document from the spec (the message beat the document)', async () => {
    const s = spec({ prompt: 'from the message', priority: 'high', metadata: { k: 'v' } });
    const c = await store().claim(s, claimOptions('proc-a'));
    assert.equal(c.outcome, 'claimed');
    const stored = await store().get(s.job_id);
    assert.ok(stored);
    assert.equal(stored.status, 'processing');
    assert.equal(stored.attempts, 1);
    assert.equal(stored.prompt, 'from the message');
    assert.equal(stored.priority, 'high');
    assert.deepEqual(stored.metadata, { k: 'v' });
    assert.equal(stored.created_at, s.created_at);
    // The late create of the producer then finds the document and leaves it as it is.
    const late = await store().create(queuedDoc({ ...s }));
    assert.equal(late.created, false);
    assert.equal(late.job.status, 'processing');
  });

  it('10 concurrent claims of a queued job: exactly one claimed, the rest busy', async () => {
    const doc = queuedDoc();
    await store().create(doc);
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => store().claim(doc, claimOptions(`proc-${i}`))));
    const claimed = outcomes.filter((o) => o.outcome === 'claimed');
    assert.equal(claimed.length, 1, JSON.stringify(outcomes.map((o) => o.outcome)));
    assert.equal(outcomes.filter((o) => o.outcome === 'busy').length, 9);
    const stored = await store().get(doc.job_id);
    assert.equal(stored?.attempts, 1);
    assert.equal(stored?.lease?.holder, claimed[0]!.job.lease?.holder);
  });

  it('a duplicate under a live lease is busy and changes nothing', async () => {
    const doc = queuedDoc();
    await store().create(doc);
    const first = await store().claim(doc, claimOptions('proc-a'));
    const dup = await store().claim(doc, claimOptions('proc-b'));
    assert.equal(dup.outcome, 'busy');
    assert.deepEqual(await store().get(doc.job_id), first.job);
  });

  it('takes over an expired lease: claimed again with attempts 2', async () => {
    const doc = queuedDoc();
    await store().create(doc);
    const first = await store().claim(doc, claimOptions('proc-a', { leaseMs: 400 }));
    assert.equal(first.outcome, 'claimed');
    assert.equal((await store().claim(doc, claimOptions('proc-b'))).outcome, 'busy');
    // The lease is a wall-clock rule: wait until it has run out.
    await delay(Date.parse(first.job.lease!.expires_at) - Date.now() + 50);
    const second = await store().claim(doc, claimOptions('proc-b'));
    assert.equal(second.outcome, 'claimed');
    assert.equal(second.job.attempts, 2);
    assert.equal(second.job.lease?.holder, 'proc-b');
    assert.equal(second.job.started_at, first.job.started_at, 'started_at is the first start');
    // The old holder has lost it: it can neither renew nor finish.
    assert.equal(await store().renewLease(doc.job_id, 'proc-a', 60_000), false);
    assert.equal(await store().finish(doc.job_id, 'completed', { result: result() }, 'proc-a'), null);
    assert.equal((await store().get(doc.job_id))?.status, 'processing');
  });

  it('an expired lease at MAX_ATTEMPTS ends the job failed with max_attempts', async () => {
    const doc = abandonedDoc(3);
    await store().create(doc);
    const c = await store().claim(doc, claimOptions('proc-b', { maxAttempts: 3 }));
    assert.equal(c.outcome, 'ended');
    assert.equal(c.job.status, 'failed');
    assert.equal(c.job.error?.code, 'max_attempts');
    assert.match(c.job.error!.message, /3/);
    assert.equal(c.job.lease, null);
    assert.ok(c.job.completed_at);
    assert.equal(c.job.attempts, 3, 'ending is not another attempt');
    assert.deepEqual(await store().get(doc.job_id), c.job);
    assert.equal((await store().claim(doc, claimOptions('proc-c'))).outcome, 'terminal');
  });

  it('an expired lease below MAX_ATTEMPTS is taken over', async () => {
    const doc = abandonedDoc(2);
    await store().create(doc);
    const c = await store().claim(doc, claimOptions('proc-b', { maxAttempts: 3 }));
    assert.equal(c.outcome, 'claimed');
    assert.equal(c.job.attempts, 3);
  });

  it('an expired lease with a cancel requested ends the job cancelled', async () => {
    const doc = abandonedDoc(1, { cancel_requested: true });
    await store().create(doc);
    const c = await store().claim(doc, claimOptions('proc-b'));
    assert.equal(c.outcome, 'ended');
    assert.equal(c.job.status, 'cancelled');
    assert.equal(c.job.error, null);
    assert.equal((await store().get(doc.job_id))?.status, 'cancelled');
  });

  for (const status of ['completed', 'failed', 'cancelled'] as const) {
    it(`a ${status} job is terminal and stays as it is`, async () => {
      const doc = { ...queuedDoc(), status, completed_at: new Date().toISOString() };
      await store().create(doc);
      const c = await store().claim(doc, claimOptions('proc-a'));
      assert.equal(c.outcome, 'terminal');
      assert.deepEqual(c.job, doc);
      assert.deepEqual(await store().get(doc.job_id), doc);
    });
  }
});

describe('renewLease', () => {
  it('extends the lease of its holder only, and only while processing', async () => {
    const doc = queuedDoc();
    await store().create(doc);
    const c = await store().claim(doc, claimOptions('proc-a', { leaseMs: 5_000 }));
    assert.equal(await store().renewLease(doc.job_id, 'proc-a', 120_000), true);
    const renewed = await store().get(doc.job_id);
    assert.ok(Date.parse(renewed!.lease!.expires_at) > Date.parse(c.job.lease!.expires_at) + 100_000);
    assert.equal(await store().renewLease(doc.job_id, 'proc-b', 120_000), false);
    await store().finish(doc.job_id, 'completed', { result: result() }, 'proc-a');
    assert.equal(await store().renewLease(doc.job_id, 'proc-a', 120_000), false);
    assert.equal(await store().renewLease(spec().job_id, 'proc-a', 1000), false, 'missing job');
  });
});
