// A processor that dies mid-job (SIGKILL) leaves a lease that runs out; the redelivered message then
// takes the job over. Past MAX_ATTEMPTS the job fails with max_attempts instead of running again.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { replyFromDirectives } from '../../../dev/scripted-model.js';
import { newJobDocument } from '../../../shared/jobs/job-document.js';
import { processorHarness, pushMessage, type ProcessorHarness } from '../../support/processor-harness.js';
import { processesMatching } from '../../support/process-table.js';
import { startSeparateProcessor } from '../../support/separate-processor.js';
import { eventually } from '../../support/test-env.js';

const SLOW = 'sleep 31.913';
let firstTurnsOfCrashJob = 0;
let h: ProcessorHarness;
before(async () => {
  // The first attempt of the crash job runs a long command (so it can be killed mid-job); later attempts finish quickly.
  h = await processorHarness({ JOB_LEASE_MS: '6000' }, (r) => {
    if (r.prompt.includes('crash-marker') && r.step === 0 && firstTurnsOfCrashJob++ === 0) return { kind: 'command', cmd: SLOW };
    return replyFromDirectives(r);
  });
});
after(async () => {
  await h.close();
});

test('SIGKILL mid-job: a duplicate under the live lease is kept for redelivery, and after the lease expires the redelivery takes over (attempts 2) and finishes', async (t) => {
  // A killed processor cannot remove its job dir (in GCP the instance's /tmp dies with it): give it its own.
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'killed-processor-'));
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const doomed = await startSeparateProcessor({ ...process.env, ...h.env.env, TMPDIR: tmp, LOG_LEVEL: 'INFO' }, h.env.project);
  t.after(() => doomed.stop());
  const { job, message } = await h.submit({ prompt: 'crash-marker job [[final:recovered]]' });
  const push = doomed.push(message).catch((err: Error) => err);
  await eventually(() => (processesMatching(SLOW).length > 0 ? true : undefined), 'the first attempt to be running its command', 60_000, 50).catch((err: Error) => {
    throw new Error(`${err.message}; the processor printed:\n${doomed.proc.output()}`);
  });

  await doomed.crash(); // the instance dies with everything it started, as a crashed container would
  assert.ok((await push) instanceof Error, 'the killed processor never answered');
  assert.deepEqual(processesMatching(SLOW), [], 'nothing of the dead instance runs on');
  const orphaned = await h.deps.store.get(job.job_id);
  assert.equal(orphaned?.status, 'processing');
  assert.equal(orphaned?.attempts, 1);

  const other = h.otherProcessor();
  const duplicate = await h.deliver(message, other);
  assert.deepEqual([duplicate.ack, duplicate.reason], [false, 'busy'], 'a duplicate under a live lease is not acked (nor run): it is what survives the dead holder');

  const expiresIn = Date.parse(orphaned!.lease!.expires_at) - Date.now();
  await new Promise((r) => setTimeout(r, Math.max(0, expiresIn) + 50)); // the lease is a wall-clock rule
  assert.deepEqual(await h.deliver(message, other), { ack: true, reason: 'ran' });
  const done = await h.deps.store.get(job.job_id);
  assert.equal(done?.status, 'completed');
  assert.equal(done?.attempts, 2);
  assert.equal(done?.result?.final_message, 'recovered');
  assert.deepEqual(processesMatching(SLOW), []);
});

test('past MAX_ATTEMPTS the redelivered message fails the job with max_attempts and publishes its result', async () => {
  const base = newJobDocument({ ...(await h.submit({ prompt: 'exhausted marker-max' }, { writeDocument: false })).job }, 30);
  const stale = { ...base, status: 'processing' as const, attempts: 3, lease: { holder: 'dead-instance', expires_at: new Date(Date.now() - 1000).toISOString() } };
  await h.deps.store.create(stale);
  assert.deepEqual(await h.deliver(pushMessage(stale)), { ack: true, reason: 'failed' });
  const done = await h.deps.store.get(stale.job_id);
  assert.equal(done?.status, 'failed');
  assert.equal(done?.error?.code, 'max_attempts');
  assert.match(done!.error!.message, /MAX_ATTEMPTS=3/);
  assert.equal(h.modelRequestsFor('marker-max').length, 0, 'Codex did not run a fourth time');
  await eventually(() => h.results.messages.find((m) => (m.data as { job_id: string }).job_id === stale.job_id), 'the result message');
});

test('a run that cannot record its outcome (Firestore fails at the end) gives its lease up, so the redelivery takes over at once', async () => {
  const flaky = h.otherProcessor();
  const realFinish = flaky.store.finish.bind(flaky.store);
  let failures = 2; // the terminal write, and the failure record after it
  flaky.store.finish = async (...args: Parameters<typeof realFinish>) => {
    if (failures-- > 0) throw new Error('UNAVAILABLE: firestore went away');
    return realFinish(...args);
  };
  const { job, message } = await h.submit({ prompt: 'flaky end marker-fe [[final:second time lucky]]' });
  await assert.rejects(h.deliver(message, flaky), /firestore went away/);
  const stranded = await h.deps.store.get(job.job_id);
  assert.equal(stranded?.status, 'processing');
  assert.ok(Date.parse(stranded!.lease!.expires_at) <= Date.now(), 'the lease was released');
  assert.deepEqual(await h.deliver(message, flaky), { ack: true, reason: 'ran' });
  const done = await h.deps.store.get(job.job_id);
  assert.equal(done?.status, 'completed');
  assert.equal(done?.attempts, 2);
});
