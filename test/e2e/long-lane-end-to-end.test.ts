// The local stack runs the long-lane worker: a job with a timeout above MAX_JOB_TIMEOUT_MS goes
// through the API to codex-jobs-long, the worker process pulls it, runs the real codex binary, and the
// job completes with lane=long.
import assert from 'node:assert/strict';
import { Firestore } from '@google-cloud/firestore';
import { after, before, test } from 'node:test';
import { startStack, type Stack } from '../../dev/stack.js';
import { requireEmulators } from '../support/test-env.js';
import { waitForJob } from '../support/wait-for-job.js';

let stack: Stack;
let firestore: Firestore;
before(async () => {
  const hosts = requireEmulators();
  stack = await startStack({
    ports: 'free',
    projectId: `e2e-long-${Date.now().toString(36)}`,
    emulators: { pubsub: hosts.pubsub, firestore: hosts.firestore, storage: hosts.storage },
    only: ['enqueue'], // no push processor: only the worker can run this job
    schedules: false,
    env: { LOG_LEVEL: 'WARNING' },
  });
  firestore = new Firestore({ projectId: stack.config.GOOGLE_CLOUD_PROJECT });
});
after(async () => {
  await stack?.stop();
  await firestore?.terminate();
});

test('npm start runs the worker: a 30-minute job completes on the long lane', async () => {
  assert.ok(stack.processes.some((p) => p.name === 'worker'), 'the stack started the worker');
  const res = await fetch(`${stack.apiUrl}/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': stack.devApiKey },
    body: JSON.stringify({ prompt: 'long-lane e2e [[cmd:printf long > long.txt]] [[final:long lane done]]', timeout_ms: 1_800_000 }),
  });
  assert.equal(res.status, 202);
  const { job_id } = (await res.json()) as { job_id: string };
  const done = await waitForJob(firestore, job_id, undefined, 180_000);
  assert.equal(done.status, 'completed', JSON.stringify(done.error));
  assert.equal(done.lane, 'long');
  assert.equal(done.result?.final_message, 'long lane done');
  assert.deepEqual(done.result?.output_files, ['long.txt']);
});
