// FirestoreJobStore on the emulator: a job's event log (append, last seq, paging in order).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JobEvent } from '../../../shared/jobs/job-document.js';
import { EVENTS_COLLECTION, eventDocId, JOBS_COLLECTION } from '../../../shared/store/firestore-job-store.js';
import { queuedDoc, storeUnderTest } from './store-fixtures.js';

const { store, env } = storeUnderTest();

const events = (from: number, count: number, type = 'command'): JobEvent[] =>
  Array.from({ length: count }, (_, i) => ({ seq: from + i, type, at: new Date().toISOString(), data: { n: from + i, nested: { ok: true } } }));

async function newJob(): Promise<string> {
  const doc = queuedDoc();
  await store().create(doc);
  return doc.job_id;
}

describe('job events', () => {
  it('a job without events has lastEventSeq -1 and an empty list', async () => {
    const id = await newJob();
    assert.equal(await store().lastEventSeq(id), -1);
    assert.deepEqual(await store().listEvents(id, -1, 100), []);
  });

  it('appends events and lists them in order after a seq', async () => {
    const id = await newJob();
    const written = events(0, 5);
    await store().appendEvents(id, written);
    assert.equal(await store().lastEventSeq(id), 4);
    assert.deepEqual(await store().listEvents(id, -1, 100), written);
    assert.deepEqual((await store().listEvents(id, 2, 100)).map((e) => e.seq), [3, 4]);
    assert.deepEqual((await store().listEvents(id, 0, 2)).map((e) => e.seq), [1, 2]);
    assert.deepEqual(await store().listEvents(id, 4, 100), []);
    // A second batch continues the log.
    await store().appendEvents(id, events(5, 3, 'agent_message'));
    assert.equal(await store().lastEventSeq(id), 7);
    assert.deepEqual((await store().listEvents(id, 4, 100)).map((e) => [e.seq, e.type]), [
      [5, 'agent_message'],
      [6, 'agent_message'],
      [7, 'agent_message'],
    ]);
  });

  it('orders by number past 9 and across batches of more than 400 events', async () => {
    const id = await newJob();
    await store().appendEvents(id, events(0, 410));
    assert.equal(await store().lastEventSeq(id), 409);
    const all = await store().listEvents(id, -1, 1000);
    assert.deepEqual(
      all.map((e) => e.seq),
      Array.from({ length: 410 }, (_, i) => i),
    );
    assert.deepEqual((await store().listEvents(id, 9, 3)).map((e) => e.seq), [10, 11, 12]);
  });

  it('stores each event under its zero-padded seq id', async () => {
    const id = await newJob();
    await store().appendEvents(id, events(0, 3).concat(events(12, 1)));
    const snap = await env().firestore.collection(JOBS_COLLECTION).doc(id).collection(EVENTS_COLLECTION).get();
    assert.deepEqual(snap.docs.map((d) => d.id).sort(), ['0000000000', '0000000001', '0000000002', '0000000012']);
    assert.equal(eventDocId(12), '0000000012');
    assert.equal(eventDocId(1234567890), '1234567890');
  });

  it('keeps the logs of different jobs apart', async () => {
    const a = await newJob();
    const b = await newJob();
    await store().appendEvents(a, events(0, 3, 'a'));
    await store().appendEvents(b, events(0, 1, 'b'));
    assert.equal(await store().lastEventSeq(a), 2);
    assert.equal(await store().lastEventSeq(b), 0);
    assert.deepEqual((await store().listEvents(b, -1, 10)).map((e) => e.type), ['b']);
  });

  it('rewriting a seq (a retried batch) keeps one event per seq', async () => {
    const id = await newJob();
    await store().appendEvents(id, events(0, 2));
    await store().appendEvents(id, events(1, 2));
    assert.deepEqual((await store().listEvents(id, -1, 10)).map((e) => e.seq), [0, 1, 2]);
  });
});
