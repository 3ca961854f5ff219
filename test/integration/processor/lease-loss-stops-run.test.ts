// A holder that cannot renew its lease within the lease stops its own run before another processor
// may take the job over: its processes end, and it records nothing (no status, result or events).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { replyFromDirectives } from '../../../dev/scripted-model.js';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';
import { processesMatching } from '../../support/process-table.js';
import { eventually } from '../../support/test-env.js';

let h: ProcessorHarness;
before(async () => {
  // The first attempt runs a long command; the takeover finishes at once.
  let firstAttempt = true;
  h = await processorHarness({ JOB_LEASE_MS: '3000' }, (r) => {
    if (r.prompt.includes('marker-ll') && r.step === 0 && firstAttempt) {
      firstAttempt = false;
      return { kind: 'command', cmd: 'sleep 30.81' };
    }
    return replyFromDirectives(r);
  });
});
after(async () => {
  await h.close();
});

test('renewals that fail (Firestore unreachable for this holder) stop the run within the lease; nothing is recorded, the message is kept', async () => {
  const cut = h.otherProcessor();
  // The partition starts once the command runs: cut from the start, a slow start of codex on a loaded
  // machine let the run stop itself before its command ever began (seen in a clean-clone CI run).
  let partitioned = false;
  let renewals = 0;
  const renew = cut.store.renewLease.bind(cut.store);
  cut.store.renewLease = async (...args) => {
    if (!partitioned) return renew(...args);
    renewals++;
    throw new Error('UNAVAILABLE: connection reset (fault injected)');
  };
  const { job, message } = await h.submit({ prompt: 'partitioned marker-ll [[final:taken over]]', timeout_ms: 60_000 });
  const delivery = h.deliver(message, cut);
  await eventually(() => (processesMatching('sleep 30.81').length ? true : undefined), 'the command to run', 60_000, 20);
  partitioned = true;
  const verdict = await delivery;
  assert.deepEqual({ ack: verdict.ack, reason: verdict.reason }, { ack: false, reason: 'lease-lost' }, 'the delivery asks to be redelivered');
  assert.ok(renewals >= 1, 'renewal was tried');
  assert.deepEqual(processesMatching('sleep 30.81'), [], 'its command was killed before the run gave up');
  const stranded = await h.deps.store.get(job.job_id);
  assert.equal(stranded?.status, 'processing', 'no terminal status was written by the stopped run');
  assert.equal(stranded?.result, null);
  const events = (await h.deps.store.listEvents(job.job_id, -1, 1000)).map((e) => e.type);
  assert.ok(!events.includes('finished'), `no finished event (${events.join(',')})`);
  // The lease was never renewed, so it runs out; the kept message then takes the job over and finishes it.
  await eventually(async () => (Date.parse((await h.deps.store.get(job.job_id))!.lease!.expires_at) <= Date.now() ? true : undefined), 'the lease to run out', 30_000, 100);
  assert.deepEqual(await h.deliver(message), { ack: true, reason: 'ran' });
  const done = await h.deps.store.get(job.job_id);
  assert.equal(done?.status, 'completed');
  assert.equal(done?.attempts, 2);
  assert.equal(done?.result?.final_message, 'taken over');
});
