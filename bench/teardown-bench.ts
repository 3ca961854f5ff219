// Cancel during `sleep 30`, over and over (BENCH_TEARDOWN_RUNS, default 50): after each job is
// recorded cancelled, is anything of its turn still running? Counts every process whose command line
// names the run's sleep or the job's workspace (codex app-server, codex-linux-sandbox, bwrap, sleep).
import { readdirSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { PubSub } from '@google-cloud/pubsub';
import { startEmulators } from '../dev/emulator-set.js';
import { startScriptedModel } from '../dev/scripted-model.js';
import { emulatorAwareStorage } from '../shared/clients.js';
import { processIsolation } from '../shared/codex/process-isolation.js';
import { parseConfig } from '../shared/config.js';
import { newJobDocument, specFromRequest } from '../shared/jobs/job-document.js';
import { messageFromJob } from '../shared/jobs/job-message.js';
import { jobRequestSchema } from '../shared/jobs/job-request.js';
import { createLogger } from '../shared/logging.js';
import { handleJobMessage } from '../shared/processor/handle-job-message.js';
import { WORKSPACE_PREFIX } from '../shared/processor/job-workspace.js';
import { processorDeps } from '../shared/processor/processor-http.js';
import { recordAim } from './bench-report.js';

export const description = 'cancel during `sleep 30`, N times (BENCH_TEARDOWN_RUNS, default 50): runs that left any process behind';

function running(fragments: string[]): string[] {
  const out: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (/\) Z /.test(readFileSync(`/proc/${entry}/stat`, 'utf8'))) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      if (fragments.some((f) => cmdline.includes(f))) out.push(`${entry} ${cmdline.slice(0, 120)}`);
    } catch {
      // ended meanwhile
    }
  }
  return out;
}

async function until(check: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function run(): Promise<void> {
  const runs = Number(process.env.BENCH_TEARDOWN_RUNS ?? 50);
  console.log(`process isolation: ${(await processIsolation()).description}`);
  const emulators = await startEmulators((l) => console.log(l));
  Object.assign(process.env, emulators.env);
  const model = await startScriptedModel();
  const project = `bench-${randomUUID().slice(0, 8)}`;
  const config = parseConfig({ ...process.env, GOOGLE_CLOUD_PROJECT: project, CODEX_PROVIDER_BASE_URL: model.url, OPENAI_API_KEY: 'bench', CODEX_MODEL: 'bench', LOG_LEVEL: 'ERROR' });
  const storage = emulatorAwareStorage(project);
  for (const b of [config.OUTPUTS_BUCKET, config.RESULTS_BUCKET]) await storage.createBucket(b);
  const pubsub = new PubSub({ projectId: project });
  await pubsub.createTopic(config.RESULTS_TOPIC);
  const deps = { ...processorDeps(config), log: createLogger('ERROR') };
  let leftRuns = 0;
  let notCancelled = 0;
  try {
    for (let i = 0; i < runs; i++) {
      const marker = `sleep 30.${String(1000 + i)}`;
      const job = newJobDocument(specFromRequest(jobRequestSchema().parse({ prompt: `teardown ${i} [[cmd:${marker}]] [[final:never]]`, timeout_ms: 120_000 }), { job_id: randomUUID(), owner: 'bench', source: 'http', source_ref: null, lane: 'normal' }), 30);
      await deps.store.create(job);
      const delivery = handleJobMessage(deps, { messageId: randomUUID(), data: Buffer.from(JSON.stringify(messageFromJob(job))), attributes: { job_id: job.job_id } });
      await until(() => running([marker]).length > 0, `run ${i}'s command`);
      await deps.store.cancel(job.job_id);
      await delivery;
      const done = await deps.store.get(job.job_id);
      if (done?.status !== 'cancelled') notCancelled++;
      // Checked at once: the job is recorded terminal only after its processes are gone.
      const left = running([marker, `${WORKSPACE_PREFIX}${job.job_id.slice(0, 8)}`]);
      if (left.length) {
        leftRuns++;
        console.log(`run ${i + 1}: left running: ${left.join(' | ')}`);
      }
      if ((i + 1) % 10 === 0) console.log(`${i + 1}/${runs} runs, ${leftRuns} left something`);
    }
    console.log(JSON.stringify({ benchmark: 'teardown', runs, runs_that_left_processes: leftRuns, runs_not_cancelled: notCancelled }));
    recordAim({ benchmark: 'teardown', name: `cancel during sleep 30 (${runs} runs): runs that left a process running`, measured: leftRuns, unit: 'runs', aim: 0 });
    recordAim({ benchmark: 'teardown', name: `cancel during sleep 30 (${runs} runs): runs not recorded cancelled`, measured: notCancelled, unit: 'runs', aim: 0 });
  } finally {
    await deps.close?.();
    await pubsub.close();
    await model.close();
    await emulators.stop();
  }
}
