// A takeover (the holder's lease expired) of a job whose run is already past its hard deadline
// (the run's start + timeout_ms + JOB_LEASE_MS + 300 s) does not start Codex again: the claim ends it
// `failed` with `timeout` in its transaction. Below the deadline the takeover runs it as before.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { HARD_DEADLINE_GRACE_MS } from '../../../shared/jobs/job-deadline.js';
import type { JobDocument } from '../../../shared/jobs/job-document.js';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';

let h: ProcessorHarness;
before(async () => {
  h = await processorHarness();
});
after(async () => {
  await h.close();
});

/** A job a dead holder claimed `startedAgoMs` ago, whose lease has run out. */
async function abandoned(marker: string, startedAgoMs: number): Promise<{ job: JobDocument; message: Awaited<ReturnType<ProcessorHarness['submit']>>['message'] }> {
  const { job, message } = await h.submit({ prompt: `${marker} [[final:ran again]]`, timeout_ms: 30_000 }, { writeDocument: false });
  const started = new Date(Date.now() - startedAgoMs).toISOString();
  const expired = new Date(Date.now() - 1000).toISOString();
  const doc: JobDocument = { ...job, status: 'processing', attempts: 1, started_at: started, run_started_at: started, lease: { holder: 'dead-processor', expires_at: expired } };
  await h.deps.store.create(doc);
  return { job: doc, message };
}

test('a takeover past the hard deadline ends the job failed/timeout without a Codex run', async () => {
  const leaseMs = h.env.config.JOB_LEASE_MS;
  const { job, message } = await abandoned('past-deadline-marker', 30_000 + leaseMs + HARD_DEADLINE_GRACE_MS + 5_000);
  const verdict = await h.deliver(message);
  assert.deepEqual(verdict, { ack: true, reason: 'failed' });
  const done = (await h.deps.store.get(job.job_id))!;
  assert.equal(done.status, 'failed');
  assert.equal(done.error?.code, 'timeout');
  assert.match(done.error!.message, /hard deadline/);
  assert.equal(done.attempts, 1, 'ending it is not another attempt');
  assert.equal(h.modelRequestsFor('past-deadline-marker').length, 0, 'Codex never asked the model: no turn ran');
});

test('a takeover within the hard deadline runs the job', async () => {
  const { job, message } = await abandoned('within-deadline-marker', 60_000);
  assert.deepEqual(await h.deliver(message), { ack: true, reason: 'ran' });
  const done = (await h.deps.store.get(job.job_id))!;
  assert.equal(done.status, 'completed', JSON.stringify(done.error));
  assert.equal(done.attempts, 2);
  assert.ok(h.modelRequestsFor('within-deadline-marker').length > 0);
  assert.equal(done.started_at, job.started_at, 'started_at stays the first start');
  assert.ok(Date.parse(done.run_started_at!) > Date.parse(job.run_started_at!), 'the new run has its own start, its hard deadline counts from there');
});
