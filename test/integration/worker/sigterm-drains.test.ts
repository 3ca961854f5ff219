// SIGTERM: the worker stops pulling at once, lets its running job finish within WORKER_GRACE_MS and
// exits; past the grace period it gives the job back (lease released, message nacked), so another
// worker takes it over at once instead of waiting for the lease to run out.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { replyFromDirectives, type ModelReply } from '../../../dev/scripted-model.js';
import { eventually } from '../../support/test-env.js';
import { workerHarness, LONG_TIMEOUT_MS, type WorkerHarness } from '../../support/worker-harness.js';

const gates = new Map<string, () => void>();
let firstGiveBackTurn = true;
let h: WorkerHarness;
before(async () => {
  // A long lease (60 s): only an explicit release lets another worker take a job over quickly.
  h = await workerHarness({ JOB_LEASE_MS: '60000' }, {
    reply: (r) => {
      const marker = /drain-marker-\w+/.exec(r.prompt)?.[0];
      if (!marker || r.step !== 0) return replyFromDirectives(r);
      if (marker === 'drain-marker-giveback' && !firstGiveBackTurn) return replyFromDirectives(r);
      if (marker === 'drain-marker-giveback') firstGiveBackTurn = false;
      return new Promise<ModelReply>((resolve) => gates.set(marker, () => resolve(replyFromDirectives(r))));
    },
  });
});
after(async () => {
  for (const release of gates.values()) release();
  await h.close();
});

test('SIGTERM: no more pulls; the running job finishes within the grace period; then the worker exits', async () => {
  const worker = await h.startWorker('worker-drain', { WORKER_CONCURRENCY: '2', WORKER_GRACE_MS: '120000' });
  const first = await h.submit({ prompt: 'drain-marker-first [[final:finished during drain]]', timeout_ms: LONG_TIMEOUT_MS });
  await eventually(() => gates.get('drain-marker-first'), 'the first turn to reach the model');
  process.kill(worker.proc.child.pid!, 'SIGTERM'); // the container's main process, as Cloud Run and Kubernetes do
  await eventually(() => worker.lines().find((l) => l.message === 'draining: no more pulls'), 'the worker to stop pulling');
  const second = await h.submit({ prompt: 'drain-marker-second [[final:second]]', timeout_ms: LONG_TIMEOUT_MS });

  gates.get('drain-marker-first')!();
  const done = await h.waitForJob(first.job_id);
  assert.equal(done.status, 'completed', JSON.stringify(done.error));
  assert.equal(done.result?.final_message, 'finished during drain');
  assert.equal(await worker.exited, 0, 'the worker exits cleanly after draining');
  assert.deepEqual(worker.handled(first.job_id).map((l) => l.outcome), ['acked']);
  assert.deepEqual(worker.handled(second.job_id), [], 'a draining worker takes no new message');
  const waiting = await h.store.get(second.job_id);
  assert.equal(waiting?.status, 'queued');

  const next = await h.startWorker('worker-next');
  await eventually(() => gates.get('drain-marker-second'), 'the second job to start on the next worker');
  gates.get('drain-marker-second')!();
  assert.equal((await h.waitForJob(second.job_id)).status, 'completed');
  assert.deepEqual((await next.waitHandled(second.job_id)).map((l) => l.outcome), ['acked']);
  await next.stop();
});

test('SIGTERM past the grace period: the job is given back (lease released, message nacked) and another worker takes it at once', async () => {
  const leaving = await h.startWorker('worker-leaving', { WORKER_CONCURRENCY: '1', WORKER_GRACE_MS: '1000' });
  const job = await h.submit({ prompt: 'drain-marker-giveback [[final:finished elsewhere]]', timeout_ms: LONG_TIMEOUT_MS });
  await eventually(() => gates.get('drain-marker-giveback'), 'the turn to reach the model');
  const staying = await h.startWorker('worker-staying', { WORKER_CONCURRENCY: '1' });
  process.kill(leaving.proc.child.pid!, 'SIGTERM');
  assert.equal(await leaving.exited, 0);
  assert.deepEqual(leaving.handled(job.job_id).map((l) => l.outcome), ['given_back']);

  const done = await h.waitForJob(job.job_id);
  assert.equal(done.status, 'completed', JSON.stringify(done.error));
  assert.equal(done.attempts, 2);
  assert.equal(done.result?.final_message, 'finished elsewhere');
  // Had the lease not been released, the first redelivery would have met a live lease ("busy").
  assert.deepEqual((await staying.waitHandled(job.job_id)).map((l) => [l.outcome, l.reason]), [['acked', 'ran']]);
});
