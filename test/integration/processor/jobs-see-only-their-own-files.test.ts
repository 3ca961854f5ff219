// Two jobs at once on one processor instance (PROCESSOR_CONCURRENCY=2): while one runs, the other's
// agent tries every path to its files (absolute paths under the temp dir, listings of the temp
// parents, /proc/<pid>/cwd and /root, a symlink made in its own workspace, find over /tmp, /var/tmp and
// /dev/shm) and sees none of them; the running job completes and still reads its own. Both orders:
// the prober started after the holder, and before it. See test/support/cross-job-probe.ts.
import assert from 'node:assert/strict';
import os from 'node:os';
import { after, before, test } from 'node:test';
import { replyFromDirectives } from '../../../dev/scripted-model.js';
import type { JobDocument } from '../../../shared/jobs/job-document.js';
import { crossJobFailures, crossJobRun, type CrossJobRun, type JobView } from '../../support/cross-job-probe.js';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';

const runs: CrossJobRun[] = [];
let h: ProcessorHarness;
before(async () => {
  h = await processorHarness({ PROCESSOR_CONCURRENCY: '2' }, async (r) => (await Promise.all(runs.map((run) => run.reply(r)))).find(Boolean) ?? replyFromDirectives(r));
});
after(async () => {
  for (const run of runs) run.cleanup();
  await h.close();
});

async function view(job: JobDocument): Promise<JobView> {
  const done = await h.deps.store.get(job.job_id);
  const events = await h.deps.store.listEvents(job.job_id, -1, 1000);
  return {
    status: done?.status ?? 'missing',
    stdout: done?.result?.stdout ?? '',
    finalMessage: done?.result?.final_message ?? '',
    outputFiles: done?.result?.output_files ?? [],
    commands: events.filter((e) => e.type === 'command').map((e) => ({ command: String(e.data.command), output: String(e.data.output) })),
  };
}

async function scenario(proberFirst: boolean): Promise<void> {
  const run = crossJobRun(os.tmpdir());
  runs.push(run);
  const holder = await h.submit({ prompt: run.holderPrompt });
  const prober = await h.submit({ prompt: run.proberPrompt });
  run.holderIs(holder.job.job_id);
  run.proberIs(prober.job.job_id);
  let holderDelivery: ReturnType<ProcessorHarness['deliver']>;
  let proberDelivery: ReturnType<ProcessorHarness['deliver']>;
  if (proberFirst) {
    proberDelivery = h.deliver(prober.message);
    await run.proberStarted;
    holderDelivery = h.deliver(holder.message);
  } else {
    holderDelivery = h.deliver(holder.message);
    await run.holderRunning;
    proberDelivery = h.deliver(prober.message);
  }
  assert.deepEqual(await proberDelivery, { ack: true, reason: 'ran' });
  run.releaseHolder();
  assert.deepEqual(await holderDelivery, { ack: true, reason: 'ran' });
  assert.deepEqual(crossJobFailures(run, await view(holder.job), await view(prober.job)), []);
}

test('a job started while another runs cannot list or read any of its files, by any path; the other completes', () => scenario(false));

test('the reverse: a job already running cannot reach the files of one started after it', () => scenario(true));
