// Bucket drops through the real notification path: an upload to fake-gcs-server → its GCS Pub/Sub
// notification (JSON_API_V1) → the Pub/Sub emulator → a push subscription → storage-trigger.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { derivedJobId } from '../../../shared/jobs/job-id.js';
import { storageTriggerHandler } from '../../../shared/intake/storage-trigger-http.js';
import type { StorageIntakeDeps } from '../../../shared/intake/storage-intake.js';
import { createLogger } from '../../../shared/logging.js';
import { PubSubJobQueue } from '../../../shared/queue/pubsub-job-queue.js';
import { FirestoreJobStore } from '../../../shared/store/firestore-job-store.js';
import { collectTopic, testEnv, type TestEnv } from '../../support/test-env.js';
import { waitForJob } from '../../support/wait-for-job.js';
import { buildZip } from '../../support/archive-builder.js';
import { createBucketNotification, jobsFromSourceRef, serveFunction, type Delivery, type ServedFunction } from './intake-harness.js';

let env: TestEnv;
let fn: ServedFunction;
let tmpRoot: string;
let jobsTopic: Awaited<ReturnType<typeof collectTopic>>;
let priorityTopic: Awaited<ReturnType<typeof collectTopic>>;
let results: Awaited<ReturnType<typeof collectTopic>>;
let bucket: string;

before(async () => {
  env = await testEnv();
  bucket = env.config.UPLOADS_BUCKET;
  tmpRoot = await mkdtemp(path.join(os.tmpdir(), 'intake-drop-test-'));
  const deps: StorageIntakeDeps = {
    config: env.config,
    store: new FirestoreJobStore(env.firestore),
    queue: new PubSubJobQueue(env.pubsub, env.config),
    storage: env.storage,
    log: createLogger('ERROR'),
    tmpRoot,
  };
  fn = await serveFunction(storageTriggerHandler(deps));
  [jobsTopic, priorityTopic, results] = await Promise.all([collectTopic(env.pubsub, env.config.JOBS_TOPIC), collectTopic(env.pubsub, env.config.PRIORITY_JOBS_TOPIC), collectTopic(env.pubsub, env.config.RESULTS_TOPIC)]);
  // As Terraform wires it in GCP: a bucket notification to codex-storage-events, pushed to the function.
  const topic = env.config.STORAGE_EVENTS_TOPIC;
  await env.pubsub.createTopic(topic);
  await createBucketNotification(bucket, `projects/${env.project}/topics/${topic}`);
  await env.pubsub.topic(topic).createSubscription(`${topic}-storage-trigger`, {
    pushConfig: { pushEndpoint: `${fn.url}/projects/${env.project}/topics/${topic}` },
    retryPolicy: { minimumBackoff: { seconds: 1 }, maximumBackoff: { seconds: 2 } },
  });
});

after(async () => {
  await Promise.allSettled([jobsTopic?.stop(), priorityTopic?.stop(), results?.stop()]);
  await fn?.close();
  await env?.close();
  await rm(tmpRoot, { recursive: true, force: true });
});

async function upload(name: string, content: string | Buffer): Promise<string> {
  const file = env.storage.bucket(bucket).file(name);
  await file.save(content, { resumable: false });
  const [meta] = await file.getMetadata();
  return String(meta.generation);
}

function deliveryOf(name: string, eventType: string, generation?: string) {
  return (d: Delivery) => d.attributes.objectId === name && d.attributes.eventType === eventType && (!generation || d.attributes.objectGeneration === generation);
}

test('a .prompt upload makes one queued job with the drop defaults, published on codex-jobs', async () => {
  const name = 'prompts/fix-bug.prompt';
  const generation = await upload(name, 'Fix the failing test in src/math.ts.\n');
  const d = await fn.next(deliveryOf(name, 'OBJECT_FINALIZE', generation), `finalize of ${name}`);
  assert.equal(d.status, 204);
  assert.equal(d.attributes.payloadFormat, 'JSON_API_V1');
  const jobId = derivedJobId(bucket, name, generation);
  const job = await env.firestore.collection('jobs').doc(jobId).get();
  assert.ok(job.exists, 'the job document exists under the derived id');
  const doc = job.data()!;
  assert.equal(doc.status, 'queued');
  assert.equal(doc.prompt, 'Fix the failing test in src/math.ts.');
  assert.equal(doc.priority, 'low');
  assert.equal(doc.timeout_ms, 30_000);
  assert.equal(doc.owner, 'storage');
  assert.equal(doc.source, 'storage');
  assert.equal(doc.source_ref, `gs://${bucket}/${name}#${generation}`);
  assert.deepEqual(doc.metadata, { source: 'file_upload', original_filename: name.split('/').at(-1), object: name, bucket });
  const msg = await waitForMessage(jobsTopic, jobId);
  // (v4) The job's trace crosses Pub/Sub as a W3C traceparent attribute (docs/TRACING.md).
  assert.match(doc.trace_parent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  assert.deepEqual(msg.attributes, { job_id: jobId, priority: 'low', source: 'storage', lane: 'normal', traceparent: doc.trace_parent });
  assert.equal((msg.data as { prompt: string }).prompt, 'Fix the failing test in src/math.ts.');
});

test('front matter sets the options; a high priority goes to the priority lane', async () => {
  const name = 'prompts/hotfix.codex';
  const generation = await upload(name, '---\npriority: high\ntimeout_ms: 90000\nmetadata:\n  ticket: OPS-7\n---\nRoll back the last deploy.\n');
  await fn.next(deliveryOf(name, 'OBJECT_FINALIZE', generation), `finalize of ${name}`);
  const jobId = derivedJobId(bucket, name, generation);
  const msg = await waitForMessage(priorityTopic, jobId);
  assert.equal(msg.attributes.priority, 'high');
  const job = await waitForJob(env.firestore, jobId, () => true);
  assert.equal(job.prompt, 'Roll back the last deploy.');
  assert.equal(job.timeout_ms, 90_000);
  assert.deepEqual(job.metadata, { ticket: 'OPS-7', source: 'file_upload', original_filename: 'hotfix.codex', object: name, bucket });
});

test('bad files make a failed job with bad_request and a clear message (and a result message)', async () => {
  const cases: [string, string | Buffer, RegExp][] = [
    ['bad/latin1.prompt', Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x21]), /bad\/latin1\.prompt: the file is not UTF-8 text/],
    ['bad/unknown-option.prompt', '---\nretries: 3\n---\nDo it.', /bad\/unknown-option\.prompt: invalid job options: unknown field: retries/],
    ['bad/too-long.prompt', 'x'.repeat(100_001), /prompt is at most 100000 characters/],
  ];
  for (const [name, content, message] of cases) {
    const generation = await upload(name, content);
    await fn.next(deliveryOf(name, 'OBJECT_FINALIZE', generation), `finalize of ${name}`);
    const job = await waitForJob(env.firestore, derivedJobId(bucket, name, generation), () => true);
    assert.equal(job.status, 'failed', name);
    assert.equal(job.error?.code, 'bad_request');
    assert.match(job.error?.message ?? '', message);
    assert.equal(job.source_ref, `gs://${bucket}/${name}#${generation}`);
    const result = await waitForMessage(results, job.job_id);
    assert.equal((result.data as { status: string }).status, 'failed');
  }
});

test('other suffixes are ignored: no job', async () => {
  const name = 'notes/readme.txt';
  const generation = await upload(name, 'not a prompt');
  const d = await fn.next(deliveryOf(name, 'OBJECT_FINALIZE', generation), `finalize of ${name}`);
  assert.equal(d.status, 204);
  assert.equal(d.verdict, 'ignored: other suffix');
  assert.deepEqual(await jobsFromSourceRef(env.firestore, `gs://${bucket}/${name}#${generation}`), []);
});

test('the same notification delivered 3 times makes one job; a re-upload (new generation) a new one', async () => {
  const name = 'prompts/once.prompt';
  const generation = await upload(name, 'Run once.');
  const first = await fn.next(deliveryOf(name, 'OBJECT_FINALIZE', generation), `finalize of ${name}`);
  const ref = `gs://${bucket}/${name}#${generation}`;
  const [before] = await jobsFromSourceRef(env.firestore, ref);
  // Pub/Sub delivers at least once: the very same push body again, three times at once.
  const again = await Promise.all([fn.post(first.body), fn.post(first.body), fn.post(first.body)]);
  assert.deepEqual(again.map((a) => a.status), [204, 204, 204]);
  const jobs = await jobsFromSourceRef(env.firestore, ref);
  assert.equal(jobs.length, 1);
  assert.equal(jobs[0]!.created_at, before!.created_at, 'the first document is kept as it was');

  const generation2 = await upload(name, 'Run once.');
  assert.notEqual(generation2, generation);
  await fn.next(deliveryOf(name, 'OBJECT_FINALIZE', generation2), `finalize of the re-upload`);
  const second = await jobsFromSourceRef(env.firestore, `gs://${bucket}/${name}#${generation2}`);
  assert.equal(second.length, 1);
  assert.notEqual(second[0]!.job_id, jobs[0]!.job_id);
  // The replaced generation's delete (overwrittenByGeneration) leaves its job alone.
  const replaced = await fn.next(deliveryOf(name, 'OBJECT_DELETE', generation), 'delete of the replaced generation');
  assert.equal(replaced.verdict, 'ignored: overwritten');
  assert.equal((await waitForJob(env.firestore, jobs[0]!.job_id, () => true)).status, 'queued');
});

test('deleting the object cancels its queued jobs', async () => {
  const name = 'prompts/changed-my-mind.prompt';
  const generation = await upload(name, 'Refactor everything.');
  await fn.next(deliveryOf(name, 'OBJECT_FINALIZE', generation), `finalize of ${name}`);
  const jobId = derivedJobId(bucket, name, generation);
  await env.storage.bucket(bucket).file(name).delete();
  const d = await fn.next(deliveryOf(name, 'OBJECT_DELETE', generation), `delete of ${name}`);
  assert.equal(d.verdict, 'cancelled: 1 job(s)');
  const job = await waitForJob(env.firestore, jobId, (j) => j.status !== 'queued');
  assert.equal(job.status, 'cancelled');
});

test('a zip drop makes one job per prompt entry; its temp dir is removed', async () => {
  const name = 'drops/batch.zip';
  const zip = buildZip([
    { name: 'a.prompt', data: 'Job A.' },
    { name: 'sub/b.codex', data: '---\npriority: normal\n---\nJob B.' },
    { name: '../evil.prompt', data: 'nope' },
    { name: 'image.png', data: 'png' },
  ]);
  const generation = await upload(name, zip);
  const d = await fn.next(deliveryOf(name, 'OBJECT_FINALIZE', generation), `finalize of ${name}`);
  assert.equal(d.verdict, 'jobs: 2 job(s)');
  const jobs = (await jobsFromSourceRef(env.firestore, `gs://${bucket}/${name}#${generation}`)).sort((a, b) => a.prompt.localeCompare(b.prompt));
  assert.deepEqual(
    jobs.map((j) => [j.job_id, j.prompt, j.priority, j.metadata.archive_entry, j.metadata.skipped_entries]),
    [
      [derivedJobId(bucket, name, generation, 'a.prompt'), 'Job A.', 'low', 'a.prompt', '../evil.prompt (path escapes the archive (..))'],
      [derivedJobId(bucket, name, generation, 'sub/b.codex'), 'Job B.', 'normal', 'sub/b.codex', '../evil.prompt (path escapes the archive (..))'],
    ],
  );
  assert.deepEqual(await readdir(tmpRoot), [], 'the private temp dir is gone');
});

async function waitForMessage(collected: Awaited<ReturnType<typeof collectTopic>>, jobId: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = collected.messages.find((m) => m.attributes.job_id === jobId);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no message for job ${jobId}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
