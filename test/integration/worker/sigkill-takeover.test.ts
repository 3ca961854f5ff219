// A worker SIGKILLed mid-job leaves a lease that runs out and a message whose ack deadline lapses;
// Pub/Sub then redelivers it to another worker, which takes the job over (attempt 2) and finishes it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { replyFromDirectives } from '../../../dev/scripted-model.js';
import { processesMatching } from '../../support/process-table.js';
import { eventually } from '../../support/test-env.js';
import { workerHarness, LONG_TIMEOUT_MS, type WorkerHarness } from '../../support/worker-harness.js';

const SLOW = 'sleep 33.917';
let firstTurns = 0;
let h: WorkerHarness;
before(async () => {
  // The first attempt runs a long command (to be killed during it); the takeover finishes at once.
  h = await workerHarness({ JOB_LEASE_MS: '2000' }, {
    ackDeadlineSeconds: 10,
    reply: (r) => (r.prompt.includes('kill-marker') && r.step === 0 && firstTurns++ === 0 ? { kind: 'command', cmd: SLOW } : replyFromDirectives(r)),
  });
});
after(async () => {
  await h.close();
});

test("a SIGKILLed worker's job is taken over by another worker after its lease", async () => {
  const doomed = await h.startWorker('worker-doomed', { WORKER_CONCURRENCY: '1' }, { ownNamespace: true });
  const job = await h.submit({ prompt: 'kill-marker job [[final:taken over]]', timeout_ms: LONG_TIMEOUT_MS });
  await eventually(() => (processesMatching(SLOW).length > 0 ? true : undefined), 'the first attempt to run its command', 60_000, 50);
  const running = await h.store.get(job.job_id);
  assert.equal(running?.status, 'processing');
  const deadHolder = running!.lease!.holder;

  await doomed.crash(); // the instance dies with everything it started, as a crashed container would
  assert.deepEqual(processesMatching(SLOW), [], 'the killed worker took its turn down with it');

  const heir = await h.startWorker('worker-heir', { WORKER_CONCURRENCY: '1' });
  const done = await h.waitForJob(job.job_id);
  assert.equal(done.status, 'completed', JSON.stringify(done.error));
  assert.equal(done.attempts, 2, 'the second attempt took it over');
  assert.equal(done.result?.final_message, 'taken over');
  const lines = await heir.waitHandled(job.job_id);
  assert.equal(lines.at(-1)?.outcome, 'acked');
  assert.equal(lines.at(-1)?.reason, 'ran');
  const claims = (await h.store.listEvents(job.job_id, -1, 1000)).filter((e) => e.type === 'claimed').map((e) => e.data.holder);
  assert.equal(claims.length, 2);
  assert.equal(claims[0], deadHolder);
  assert.notEqual(claims[1], deadHolder, 'another worker finished it');
});
