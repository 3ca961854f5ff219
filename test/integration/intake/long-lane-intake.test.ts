// Bucket drops and schedules follow the lane rule of POST /jobs: a timeout_ms above MAX_JOB_TIMEOUT_MS
// (front matter, schedule payload) makes a lane=long job whose message goes to codex-jobs-long.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { handleScheduleMessage } from '../../../shared/intake/schedule-message.js';
import { handleStorageEvent, type StorageIntakeDeps } from '../../../shared/intake/storage-intake.js';
import { createLogger } from '../../../shared/logging.js';
import { PubSubJobQueue } from '../../../shared/queue/pubsub-job-queue.js';
import { FirestoreJobStore } from '../../../shared/store/firestore-job-store.js';
import { collectTopic, eventually, testEnv, type TestEnv } from '../../support/test-env.js';

const THIRTY_MINUTES = 1_800_000;
let env: TestEnv;
let deps: StorageIntakeDeps;
let tmpRoot: string;
let long: Awaited<ReturnType<typeof collectTopic>>;
before(async () => {
  env = await testEnv();
  tmpRoot = await mkdtemp(path.join(os.tmpdir(), 'long-intake-'));
  for (const t of [env.config.JOBS_TOPIC, env.config.PRIORITY_JOBS_TOPIC, env.config.RESULTS_TOPIC]) await env.pubsub.createTopic(t);
  long = await collectTopic(env.pubsub, env.config.LONG_JOBS_TOPIC);
  deps = { config: env.config, store: new FirestoreJobStore(env.firestore), queue: new PubSubJobQueue(env.pubsub, env.config), storage: env.storage, log: createLogger('ERROR'), tmpRoot };
});
after(async () => {
  await long.stop();
  await deps.queue.close();
  await env.close();
  await rm(tmpRoot, { recursive: true, force: true });
});

const onLongTopic = (jobId: string) => eventually(() => long.messages.find((m) => (m.data as { job_id: string }).job_id === jobId), `${jobId} on codex-jobs-long`);

test('a schedule whose request asks for 30 minutes makes a lane=long job on codex-jobs-long', async () => {
  const message = { messageId: 'sched-long-1', data: Buffer.from(JSON.stringify({ prompt: 'long nightly', timeout_ms: THIRTY_MINUTES, priority: 'critical' })), attributes: { schedule: 'long-nightly' } };
  const verdict = await handleScheduleMessage(deps, message);
  assert.equal(verdict.action, 'queued');
  const job = await deps.store.get(verdict.jobId!);
  assert.equal(job?.lane, 'long');
  assert.equal(job?.timeout_ms, THIRTY_MINUTES);
  const m = await onLongTopic(job!.job_id);
  assert.equal(m.attributes.lane, 'long');
});

test('a dropped .prompt file with front matter timeout_ms of 30 minutes makes a lane=long job on codex-jobs-long', async () => {
  const name = `long-${Date.now()}.prompt`;
  const file = env.storage.bucket(env.config.UPLOADS_BUCKET).file(name);
  await file.save(`---\ntimeout_ms: ${THIRTY_MINUTES}\n---\nRefactor the whole repository.\n`);
  const [meta] = await file.getMetadata();
  const verdict = await handleStorageEvent(deps, { kind: 'finalized', type: 'OBJECT_FINALIZE', eventId: 'evt-long-1', bucket: env.config.UPLOADS_BUCKET, name, generation: String(meta.generation), size: Number(meta.size) });
  assert.equal(verdict.action, 'jobs', JSON.stringify(verdict));
  const job = await deps.store.get(verdict.jobIds[0]!);
  assert.equal(job?.status, 'queued', JSON.stringify(job?.error));
  assert.equal(job?.lane, 'long');
  await onLongTopic(job!.job_id);
});
