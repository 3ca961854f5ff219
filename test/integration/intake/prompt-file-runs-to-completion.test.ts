// End to end in the local stack: a .prompt upload → GCS notification → storage-trigger → codex-jobs
// → processor (real codex app-server, offline scripted model) → completed.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Firestore } from '@google-cloud/firestore';
import { after, before, test } from 'node:test';
import { startStack, type Stack } from '../../../dev/stack.js';
import { emulatorAwareStorage } from '../../../shared/clients.js';
import { derivedJobId } from '../../../shared/jobs/job-id.js';
import { requireEmulators } from '../../support/test-env.js';
import { waitForJob } from '../../support/wait-for-job.js';
import { createBucketNotification } from './intake-harness.js';

let stack: Stack;
let firestore: Firestore;

before(async () => {
  const project = `intake-e2e-${randomUUID().slice(0, 8)}`;
  stack = await startStack({ ports: 'free', projectId: project, emulators: requireEmulators(), only: ['storage-trigger', 'processor'] });
  firestore = new Firestore({ projectId: project });
  await createBucketNotification(stack.config.UPLOADS_BUCKET, `projects/${project}/topics/${stack.config.STORAGE_EVENTS_TOPIC}`);
});

after(async () => {
  await firestore?.terminate();
  await stack?.stop();
});

test('an uploaded prompt file runs to completed through the processor', async () => {
  const storage = emulatorAwareStorage(stack.config.GOOGLE_CLOUD_PROJECT);
  const name = 'prompts/fix-bug.prompt';
  const file = storage.bucket(stack.config.UPLOADS_BUCKET).file(name);
  await file.save('Fix the bug. [[cmd:echo fixed > fix.txt]] [[final:bug fixed]]', { resumable: false });
  const [meta] = await file.getMetadata();
  const jobId = derivedJobId(stack.config.UPLOADS_BUCKET, name, String(meta.generation));
  const job = await waitForJob(firestore, jobId, (j) => ['completed', 'failed', 'cancelled'].includes(j.status), 120_000);
  assert.equal(job.status, 'completed', JSON.stringify(job.error));
  assert.equal(job.owner, 'storage');
  assert.equal(job.priority, 'low');
  assert.equal(job.result?.final_message, 'bug fixed');
  assert.deepEqual(job.result?.created_files.map((f) => f.filename), ['fix.txt']);
});
