// The claim's session order, on the store: a job waits (nothing written, no attempt) while an earlier
// job of its owner's session is queued or processing; the earliest unfinished job always runs; equal
// created_at times are ordered by job_id; other owners' and session-less jobs never wait; a waiting
// job's dead letter does not fail it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { JobDocument } from '../../../shared/jobs/job-document.js';
import { claimOptions, queuedDoc, result, storeUnderTest } from './store-fixtures.js';

const { env, store } = storeUnderTest();
const base = Date.now();
const at = (ms: number) => new Date(base + ms).toISOString();

async function created(session: string, createdMs: number, extra: Partial<JobDocument> = {}): Promise<JobDocument> {
  const doc = { ...queuedDoc({ session_id: session, created_at: at(createdMs) }), ...extra };
  await store().create(doc);
  return doc;
}

describe('session order in the claim', () => {
  it('later jobs wait for the earliest unfinished one, whatever order their deliveries come in', async () => {
    const s = `so-${randomUUID().slice(0, 8)}`;
    const [a, b, c] = [await created(s, 0), await created(s, 1, { priority: 'high', lane: 'priority' }), await created(s, 2)];
    const waitC = await store().claim(c, claimOptions('p1'));
    assert.equal(waitC.outcome, 'waiting');
    assert.ok(waitC.outcome === 'waiting' && waitC.wait.reason === 'session_order' && waitC.wait.earlier.job_id === a.job_id, 'the earliest unfinished job is named');
    assert.equal((await store().claim(b, claimOptions('p2'))).outcome, 'waiting');
    assert.deepEqual(await store().get(c.job_id), c, 'a waiting claim writes nothing (no attempt, no lease)');
    assert.equal((await store().claim(a, claimOptions('p3'))).outcome, 'claimed', 'the earliest is never held back by later ones');
    assert.equal((await store().claim(c, claimOptions('p1'))).outcome, 'waiting', 'processing earlier job: still waits');
    assert.ok(await store().finish(a.job_id, 'completed', { result: result() }, 'p3'));
    const behindQueued = await store().claim(c, claimOptions('p1'));
    assert.ok(behindQueued.outcome === 'waiting' && behindQueued.wait.reason === 'session_order' && behindQueued.wait.earlier.job_id === b.job_id && behindQueued.wait.earlier.status === 'queued', 'an earlier queued job on another lane holds it too');
    assert.equal((await store().claim(b, claimOptions('p2'))).outcome, 'claimed');
    assert.ok(await store().finish(b.job_id, 'failed', { error: { code: 'codex_error', message: 'x' } }, 'p2'));
    const last = await store().claim(c, claimOptions('p1'));
    assert.equal(last.outcome, 'claimed', 'a failed earlier job is terminal: the next one runs');
    assert.equal(last.job.attempts, 1);
  });

  it('equal created_at: the smaller job_id is earlier', async () => {
    const s = `tie-${randomUUID().slice(0, 8)}`;
    const [x, y] = [await created(s, 10), await created(s, 10)].sort((p, q) => p.job_id.localeCompare(q.job_id));
    assert.equal((await store().claim(y!, claimOptions('p1'))).outcome, 'waiting');
    assert.equal((await store().claim(x!, claimOptions('p2'))).outcome, 'claimed');
  });

  it("another owner's job with the same session_id, and a job without a session, never wait", async () => {
    const s = `own-${randomUUID().slice(0, 8)}`;
    await created(s, 0);
    const bobs = { ...queuedDoc({ session_id: s, owner: 'bob', created_at: at(5) }) };
    await store().create(bobs);
    assert.equal((await store().claim(bobs, claimOptions('p1'))).outcome, 'claimed');
    const lone = queuedDoc({ created_at: at(6) });
    await store().create(lone);
    assert.equal((await store().claim(lone, claimOptions('p2'))).outcome, 'claimed');
  });

  it('a dead letter of a job waiting behind an earlier job of its session leaves it queued', async () => {
    const s = `dl-${randomUUID().slice(0, 8)}`;
    await created(s, 0);
    const later = await created(s, 1);
    const kept = await store().failDeadLettered(later, 'dead', 30);
    assert.equal(kept.status, 'queued');
    assert.equal((await store().get(later.job_id))?.status, 'queued');
    const mark = (await env().firestore.collection('jobs').doc(later.job_id).get()).get('requeue_at') as string;
    assert.ok(Date.parse(mark) <= Date.now(), 'due for the sweeper’s republish at once');
  });
});
