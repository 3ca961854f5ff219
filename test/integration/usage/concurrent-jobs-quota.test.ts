// concurrent_jobs counted in Firestore: claims of one owner's jobs over four instances at once let
// exactly the quota start; a slot frees itself when its job is no longer processing.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Firestore } from '@google-cloud/firestore';
import { firestoreClient } from '../../../shared/clients.js';
import { parseConfig } from '../../../shared/config.js';
import { checkConcurrentJobs } from '../../../shared/usage/concurrency-quota.js';
import { testEnv, type TestEnv } from '../../support/test-env.js';

let env: TestEnv;
let instances: Firestore[];
before(async () => {
  env = await testEnv();
  instances = Array.from({ length: 4 }, () => firestoreClient(env.config));
});
after(async () => {
  await Promise.allSettled(instances.map((db) => db.terminate()));
  await env.close();
});

const { QUOTAS } = parseConfig({ QUOTAS: 'solo:concurrent_jobs=1' });

/** A claim as the store makes it: the check, then (when admitted) the job marked processing with the slot. */
async function claim(db: Firestore, jobId: string): Promise<'claimed' | 'waiting'> {
  return db.runTransaction(async (tx) => {
    const check = await checkConcurrentJobs(db, tx, QUOTAS, { job_id: jobId, owner: 'solo' });
    if (check.wait) return 'waiting';
    check.take();
    tx.set(db.collection('jobs').doc(jobId), { job_id: jobId, owner: 'solo', status: 'processing' });
    return 'claimed';
  });
}

test('six jobs claimed at once over four instances: one runs, five wait; when it ends, one more may start', async () => {
  const ids = Array.from({ length: 6 }, (_, i) => `solo-${i}`);
  const outcomes = await Promise.all(ids.map((id, i) => claim(instances[i % 4]!, id)));
  assert.equal(outcomes.filter((o) => o === 'claimed').length, 1, outcomes.join(','));
  const runner = ids[outcomes.indexOf('claimed')]!;
  const waiting = ids.filter((id) => id !== runner);
  assert.equal(await claim(instances[0]!, waiting[0]!), 'waiting', 'still held while the first runs');
  await env.firestore.collection('jobs').doc(runner).update({ status: 'completed' });
  assert.equal(await claim(instances[1]!, waiting[0]!), 'claimed', 'the slot freed itself when its job ended');
  assert.equal(await claim(instances[2]!, waiting[1]!), 'waiting');
});

test('an owner without the quota never waits', async () => {
  const db = instances[0]!;
  const outcomes = await Promise.all([1, 2, 3].map((i) => db.runTransaction(async (tx) => (await checkConcurrentJobs(db, tx, QUOTAS, { job_id: `free-${i}`, owner: 'free' })).wait)));
  assert.deepEqual(outcomes, [undefined, undefined, undefined]);
});
