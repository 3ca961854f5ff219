// A job given back by a shutting-down worker (SIGTERM past WORKER_GRACE_MS: a deploy, a scale-in)
// has not failed: the give-back does not count against MAX_ATTEMPTS. Three deploys during one job
// leave it running, and the fourth worker completes it (before, the fourth claim ended it
// `max_attempts`). Each new holder's run has its own start, from which its hard deadline counts.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { replyFromDirectives, type ModelReply } from '../../../dev/scripted-model.js';
import { eventually } from '../../support/test-env.js';
import { workerHarness, LONG_TIMEOUT_MS, type WorkerHarness } from '../../support/worker-harness.js';

const MARKER = 'three-deploys-marker';
const held: (() => void)[] = [];
let h: WorkerHarness;
before(async () => {
  // A long lease: only the give-back's release lets the next worker take the job at once.
  h = await workerHarness({ JOB_LEASE_MS: '60000', MAX_ATTEMPTS: '3' }, {
    reply: (r) => {
      if (!r.prompt.includes(MARKER) || r.step !== 0) return replyFromDirectives(r);
      const turn = h.model.requests.filter((q) => q.prompt.includes(MARKER) && q.step === 0).length;
      // The first three runs never get an answer (each worker is stopped while its turn waits); the fourth does.
      if (turn <= 3) return new Promise<ModelReply>((resolve) => held.push(() => resolve(replyFromDirectives(r))));
      return replyFromDirectives(r);
    },
  });
});
after(async () => {
  for (const release of held) release();
  await h.close();
});

test('three SIGTERM give-backs during one job cost it no attempt: the fourth worker completes it', async () => {
  const job = await h.submit({ prompt: `${MARKER} [[final:survived three deploys]]`, timeout_ms: LONG_TIMEOUT_MS });
  const runStarts: string[] = [];
  for (let deploy = 1; deploy <= 3; deploy++) {
    const worker = await h.startWorker(`deploy-${deploy}`, { WORKER_CONCURRENCY: '1', WORKER_GRACE_MS: '500' });
    await eventually(() => (h.model.requests.filter((q) => q.prompt.includes(MARKER) && q.step === 0).length >= deploy ? true : undefined), `run ${deploy} to reach the model`, 120_000, 50);
    const running = (await h.store.get(job.job_id))!;
    assert.equal(running.status, 'processing');
    runStarts.push(running.run_started_at!);
    process.kill(worker.proc.child.pid!, 'SIGTERM');
    assert.equal(await worker.exited, 0);
    assert.deepEqual(worker.handled(job.job_id).map((l) => l.outcome), ['given_back']);
    const back = (await h.store.get(job.job_id))!;
    assert.equal(back.status, 'processing', `still running after give-back ${deploy}`);
    assert.equal(back.given_back, deploy);
  }
  const last = await h.startWorker('deploy-4', { WORKER_CONCURRENCY: '1' });
  const done = await h.waitForJob(job.job_id);
  assert.equal(done.status, 'completed', JSON.stringify(done.error));
  assert.equal(done.result?.final_message, 'survived three deploys');
  assert.equal(done.attempts, 4, 'four claims');
  assert.equal(done.given_back, 3, 'three of them given back, not failed');
  assert.deepEqual((await last.waitHandled(job.job_id)).map((l) => [l.outcome, l.reason]), [['acked', 'ran']]);
  for (let i = 1; i < runStarts.length; i++) assert.ok(runStarts[i]! > runStarts[i - 1]!, 'each run has its own start');
  assert.ok(done.run_started_at! > runStarts.at(-1)!);
  assert.equal(done.started_at, runStarts[0], 'started_at is the first start');
});
