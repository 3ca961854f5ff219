// Two jobs at once on one long-lane worker (WORKER_CONCURRENCY=2, its own OS process): while one runs,
// the other's agent tries every path to its files and sees none of them; the running job completes
// and still reads its own. Both orders. See test/support/cross-job-probe.ts for the paths tried.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { replyFromDirectives } from '../../../dev/scripted-model.js';
import type { JobDocument } from '../../../shared/jobs/job-document.js';
import { crossJobFailures, crossJobRun, type CrossJobRun, type JobView } from '../../support/cross-job-probe.js';
import { workerHarness, LONG_TIMEOUT_MS, type WorkerHarness } from '../../support/worker-harness.js';

const runs: CrossJobRun[] = [];
// The worker's own TMPDIR, so the test can find its job folders.
const tmp = mkdtempSync(path.join(os.tmpdir(), 'worker-two-jobs-'));
let h: WorkerHarness;
before(async () => {
  h = await workerHarness({}, { reply: async (r) => (await Promise.all(runs.map((run) => run.reply(r)))).find(Boolean) ?? replyFromDirectives(r) });
  await h.startWorker('two-jobs', { WORKER_CONCURRENCY: '2', TMPDIR: tmp });
});
after(async () => {
  for (const run of runs) run.cleanup();
  await h.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function view(job: JobDocument): Promise<JobView> {
  const done = await h.waitForJob(job.job_id);
  const events = await h.store.listEvents(job.job_id, -1, 1000);
  return {
    status: done.status,
    stdout: done.result?.stdout ?? '',
    finalMessage: done.result?.final_message ?? '',
    outputFiles: done.result?.output_files ?? [],
    commands: events.filter((e) => e.type === 'command').map((e) => ({ command: String(e.data.command), output: String(e.data.output) })),
  };
}

async function scenario(proberFirst: boolean): Promise<void> {
  const run = crossJobRun(tmp);
  runs.push(run);
  const submit = (prompt: string) => h.submit({ prompt, timeout_ms: LONG_TIMEOUT_MS });
  let holder: JobDocument;
  let prober: JobDocument;
  if (proberFirst) {
    prober = await submit(run.proberPrompt);
    run.proberIs(prober.job_id);
    await run.proberStarted;
    holder = await submit(run.holderPrompt);
    run.holderIs(holder.job_id);
  } else {
    holder = await submit(run.holderPrompt);
    run.holderIs(holder.job_id);
    await run.holderRunning;
    prober = await submit(run.proberPrompt);
    run.proberIs(prober.job_id);
  }
  const proberView = await view(prober);
  run.releaseHolder();
  assert.deepEqual(crossJobFailures(run, await view(holder), proberView), []);
}

test('WORKER_CONCURRENCY=2: a job started while another runs cannot list or read any of its files; the other completes', () => scenario(false));

test('WORKER_CONCURRENCY=2, the reverse: a job already running cannot reach the files of one started after it', () => scenario(true));
