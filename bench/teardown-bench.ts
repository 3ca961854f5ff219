// Cancel during `sleep 30`, over and over (BENCH_TEARDOWN_RUNS, default 50): after each job is
// recorded cancelled, is anything of its turn still running? Counts every process whose command line
// names the run's sleep or the job's workspace (codex app-server, codex-linux-sandbox, bwrap, sleep).
import { readdirSync, readFileSync } from 'node:fs';
import { processIsolation } from '../shared/codex/process-isolation.js';
import { handleJobMessage } from '../shared/processor/handle-job-message.js';
import { WORKSPACE_PREFIX } from '../shared/processor/job-workspace.js';
import { startBenchProcessor } from './bench-processor.js';
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
  const stack = await startBenchProcessor();
  const { deps } = stack;
  let leftRuns = 0;
  let notCancelled = 0;
  try {
    for (let i = 0; i < runs; i++) {
      const marker = `sleep 30.${String(1000 + i)}`;
      const { job, message } = await stack.submit(`teardown ${i} [[cmd:${marker}]] [[final:never]]`, 120_000);
      const delivery = handleJobMessage(deps, message);
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
    await stack.close();
  }
}
