// Creates and publishes issued in the same event-loop turn share one RPC (coalesced-creates.ts,
// pubsub-job-queue.ts). Sharing must not mix their outcomes: each create keeps its own precondition,
// each message arrives once with its own attributes, and nothing is left open behind them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { messageFromJob } from '../../../shared/jobs/job-message.js';
import { resultMessageFromJob } from '../../../shared/jobs/result-message.js';
import { PubSubJobQueue } from '../../../shared/queue/pubsub-job-queue.js';
import { FirestoreJobStore } from '../../../shared/store/firestore-job-store.js';
import { collectTopic, eventually, testEnv } from '../../support/test-env.js';
import { queuedDoc } from './store-fixtures.js';

test('creates of one turn each keep their own outcome: new ones written, an existing id answered with the stored job', async () => {
  const env = await testEnv();
  const store = new FirestoreJobStore(env.firestore);
  try {
    const existing = queuedDoc({ prompt: 'the first one' });
    await store.create(existing);
    const fresh = Array.from({ length: 25 }, (_, i) => queuedDoc({ prompt: `fresh ${i}` }));
    const duplicate = { ...queuedDoc({ prompt: 'a second write under the same id' }), job_id: existing.job_id };
    // All in one turn: one BatchWrite (or two: a BulkWriter sends at most 20 writes a call).
    const outcomes = await Promise.all([...fresh, duplicate].map((doc) => store.create(doc)));

    assert.deepEqual(outcomes.slice(0, 25).map((o) => o.created), fresh.map(() => true));
    const dup = outcomes[25]!;
    assert.equal(dup.created, false);
    assert.equal(dup.job.prompt, 'the first one', 'the stored job, not the refused write');
    for (const doc of fresh) assert.equal((await store.get(doc.job_id))?.prompt, doc.prompt);
    assert.equal((await store.get(existing.job_id))?.prompt, 'the first one');
  } finally {
    // Rejects while a BulkWriter is left open: each turn's writer is closed behind it.
    await env.close();
  }
});

test('messages of one turn each arrive once with their own attributes and ordering key', async () => {
  const env = await testEnv();
  const jobs = await collectTopic(env.pubsub, env.config.JOBS_TOPIC);
  const results = await collectTopic(env.pubsub, env.config.RESULTS_TOPIC);
  const queue = new PubSubJobQueue(env.pubsub, env.config);
  try {
    const loose = Array.from({ length: 20 }, (_, i) => queuedDoc({ prompt: `loose ${i}` }));
    const session = Array.from({ length: 5 }, (_, i) => queuedDoc({ prompt: `session ${i}`, session_id: 'one-session' }));
    const finished = { ...queuedDoc({ prompt: 'done' }), status: 'completed' as const, completed_at: new Date().toISOString() };
    const ids = await Promise.all([...[...loose, ...session].map((doc) => queue.publishJob(messageFromJob(doc))), queue.publishResult(resultMessageFromJob(finished))]);
    assert.equal(new Set(ids).size, 26, 'one message id each');

    await eventually(() => (jobs.messages.length >= 25 && results.messages.length >= 1 ? true : undefined), 'every message', 20_000, 50);
    const byJob = new Map(jobs.messages.map((m) => [m.attributes.job_id, m]));
    assert.equal(byJob.size, 25);
    for (const doc of loose) {
      assert.equal((byJob.get(doc.job_id)?.data as { prompt: string }).prompt, doc.prompt);
      assert.equal(byJob.get(doc.job_id)?.orderingKey, undefined);
    }
    for (const doc of session) assert.equal(byJob.get(doc.job_id)?.orderingKey, `${doc.owner}:one-session`);
    assert.deepEqual(results.messages.map((m) => m.attributes.job_id), [finished.job_id]);
    // No copy follows: the count stays at one per message once the topic is flushed.
    await queue.close();
    assert.equal(jobs.messages.length, 25);
  } finally {
    await Promise.allSettled([jobs.stop(), results.stop()]);
    await env.close();
  }
});
