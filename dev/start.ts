// `npm start`: the local stack on the ports of firebase.json, a first job run end to end, and a
// ready-to-paste curl. Ctrl-C stops every process it started.
import { parseConfig, ConfigError } from '../shared/config.js';
import { killAllSync } from './child-processes.js';
import { PrerequisiteError } from './emulators.js';
import { startStack, type Stack } from './stack.js';

// No metadata server exists off GCP: skip the lookup (and its warning) in this process.
process.env.METADATA_SERVER_DETECTION ??= 'none';

const started = Date.now();
const say = (line: string) => console.log(line);
const noDemo = process.argv.includes('--no-demo');

process.on('exit', killAllSync);

async function runDemoJob(stack: Stack): Promise<void> {
  const headers = { 'content-type': 'application/json', 'x-api-key': stack.devApiKey };
  const t0 = Date.now();
  const res = await fetch(`${stack.apiUrl}/jobs`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ prompt: 'Write a short result.md in the workspace.', metadata: { demo: 'npm-start' } }),
  });
  const queued = (await res.json()) as { job_id: string };
  say(`demo job ${queued.job_id} queued (HTTP ${res.status}); waiting for it to finish…`);
  for (;;) {
    const job = (await (await fetch(`${stack.apiUrl}/jobs/${queued.job_id}`, { headers })).json()) as {
      status: string;
      result?: { final_message: string; created_files: { filename: string; storage_path: string }[] } | null;
      error?: { code: string; message: string } | null;
    };
    if (['completed', 'failed', 'cancelled'].includes(job.status)) {
      say(`demo job ${job.status} in ${Date.now() - t0} ms${job.error ? `: ${job.error.code}: ${job.error.message}` : ''}`);
      if (job.result) {
        say(`  final message: ${job.result.final_message}`);
        for (const f of job.result.created_files) say(`  created: ${f.filename} → ${f.storage_path}`);
      }
      return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function main(): Promise<void> {
  try {
    parseConfig(process.env); // a bad variable stops us before anything starts
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  let stack: Stack;
  try {
    stack = await startStack({ ports: 'fixed', echo: process.env.LOG_LEVEL === 'DEBUG', log: say });
  } catch (err) {
    console.error(err instanceof PrerequisiteError || err instanceof ConfigError ? err.message : `start-up failed: ${(err as Error).message}`);
    process.exitCode = 1;
    return;
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`\n${signal}: stopping the local stack…`);
    await stack.stop();
    say('stopped; no process of the stack is left running.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  say('');
  say(`codex-jobs local stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  say(`  API (enqueue):  ${stack.apiUrl}`);
  for (const [name, url] of Object.entries(stack.functionUrls)) if (name !== 'enqueue') say(`  ${name.padEnd(15)} ${url}`);
  if (stack.processes.some((p) => p.name === 'worker')) say(`  worker          long lane: streaming pull on ${stack.config.LONG_JOBS_SUBSCRIPTION} (${stack.config.WORKER_CONCURRENCY} jobs at once; timeout_ms above ${stack.config.MAX_JOB_TIMEOUT_MS})`);
  say(`  Firestore emulator ${stack.hosts.firestore} · Pub/Sub emulator ${stack.hosts.pubsub} · fake-gcs-server ${stack.hosts.storage}`);
  say(`  buckets: ${stack.config.UPLOADS_BUCKET} (drop .prompt/.codex files here), ${stack.config.OUTPUTS_BUCKET}, ${stack.config.RESULTS_BUCKET}`);
  if (stack.model.kind === 'offline') {
    say('  model: no OPENAI_API_KEY or CODEX_PROVIDER_BASE_URL set, so jobs use the OFFLINE SCRIPTED MODEL');
    say(`         (${stack.model.server.url}); set OPENAI_API_KEY to use a real model.`);
  } else {
    say(`  model: ${stack.config.CODEX_MODEL} at ${stack.model.baseUrl}`);
  }
  if (stack.schedules.length) {
    say('  schedules (terraform/schedules.json, published to codex-schedules on their crons):');
    for (const sch of stack.schedules) say(`    ${sch.name.padEnd(24)} ${sch.cron.padEnd(16)} next ${sch.next?.toISOString() ?? 'never'}`);
  }
  say('');
  say('Submit a job:');
  say(`  curl -s -X POST ${stack.apiUrl}/jobs -H 'X-API-Key: ${stack.devApiKey}' -H 'Content-Type: application/json' -d '{"prompt":"Create hello.py that prints hello"}'`);
  say('Then read it:');
  say(`  curl -s ${stack.apiUrl}/jobs/JOB_ID -H 'X-API-Key: ${stack.devApiKey}'`);
  say('');
  if (!noDemo && stack.model.kind === 'offline') await runDemoJob(stack).catch((err: Error) => say(`demo job could not run: ${err.message}`));
  say('Press Ctrl-C to stop.');
}

void main();
