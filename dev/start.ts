// `npm start`: the local stack on the ports of firebase.json, a first job run end to end, and a
// ready-to-paste curl. Ctrl-C stops every process it started.
import { parseConfig, ConfigError } from '../shared/config.js';
import { killAllSync } from './child-processes.js';
import { PrerequisiteError } from './emulators.js';
import { startStack, type Stack } from './stack.js';
import { firstClearKey } from './stack-env.js';
import { traceExportFor, type TraceExport } from '../shared/telemetry/tracing.js';

/** Every function process gets the OTEL_* variables with the rest of the environment (stack.ts). */
function describeTraceExport(t: TraceExport): string {
  if (t.kind === 'otlp') return `every function sends spans over OTLP/HTTP (${t.protocol}) to ${process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_ENDPOINT}`;
  if (t.kind === 'google_cloud_trace') return 'every function sends spans to Cloud Trace (OTEL_TRACES_EXPORTER)';
  return `off (${t.why}); set OTEL_EXPORTER_OTLP_ENDPOINT to send them to an OTLP/HTTP receiver`;
}

// No metadata server exists off GCP: skip the lookup (and its warning) in this process.
process.env.METADATA_SERVER_DETECTION ??= 'none';

const started = Date.now();
const say = (line: string) => console.log(line);
const noDemo = process.argv.includes('--no-demo');

process.on('exit', killAllSync);

/** The key the demo job uses: the dev key, or the user's first key given in clear (used, never printed). */
function demoKey(stack: Stack): string | undefined {
  return stack.apiKeys.source === 'default' ? stack.apiKeys.devKey : firstClearKey(process.env.API_KEYS)?.key;
}

/** The emulators the user points at with all three *_EMULATOR_HOST variables, reused instead of starting new ones. */
function usersEmulators(): { pubsub: string; firestore: string; storage: string } | undefined {
  const { PUBSUB_EMULATOR_HOST: pubsub, FIRESTORE_EMULATOR_HOST: firestore, STORAGE_EMULATOR_HOST: storage } = process.env;
  if (pubsub && firestore && storage) return { pubsub, firestore, storage };
  if (pubsub || firestore || storage) say('only some of PUBSUB_EMULATOR_HOST, FIRESTORE_EMULATOR_HOST, STORAGE_EMULATOR_HOST are set: starting all three emulators (set all three to use yours)');
  return undefined;
}

async function runDemoJob(stack: Stack, key: string): Promise<void> {
  const headers = { 'content-type': 'application/json', 'x-api-key': key };
  const t0 = Date.now();
  const res = await fetch(`${stack.apiUrl}/jobs`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ prompt: 'Write a short result.md in the workspace.', metadata: { demo: 'npm-start' } }),
  });
  if (res.status !== 202) throw new Error(`POST /jobs answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  const queued = (await res.json()) as { job_id: string };
  say(`demo job ${queued.job_id} queued (HTTP ${res.status}); waiting for it to finish…`);
  for (;;) {
    const job = (await (await fetch(`${stack.apiUrl}/jobs/${queued.job_id}`, { headers })).json()) as {
      status: string;
      result?: { final_message: string; created_files: { filename: string; storage_path: string }[] } | null;
      error?: { code: string; message: string } | null;
      trace_id?: string;
    };
    if (['completed', 'failed', 'cancelled'].includes(job.status)) {
      say(`demo job ${job.status} in ${Date.now() - t0} ms${job.error ? `: ${job.error.code}: ${job.error.message}` : ''}${job.trace_id ? ` (trace ${job.trace_id})` : ''}`);
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
    const emulators = usersEmulators();
    if (emulators) say(`using your emulators: Pub/Sub ${emulators.pubsub}, Firestore ${emulators.firestore}, Cloud Storage ${emulators.storage}`);
    stack = await startStack({ ports: 'fixed', userEnv: process.env, emulators, echo: process.env.LOG_LEVEL === 'DEBUG', log: say });
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
  say(`  web console:    ${stack.apiUrl}/console  (sign in with ${stack.devApiKey ? `the key ${stack.devApiKey}` : "one of your API_KEYS"})`);
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
  say(`  traces: ${describeTraceExport(traceExportFor(stack.config))}`);
  say(`  processors: ${stack.env.PROCESSOR_CONCURRENCY || '1'} job(s) at once each (PROCESSOR_CONCURRENCY); a function process that dies is started again`);
  if (stack.sweeps) say(`  sweeper: a message to ${stack.sweeps.topic} every ${stack.sweeps.intervalMs} ms (SWEEP_INTERVAL_MS)`);
  say(`  project: ${stack.config.GOOGLE_CLOUD_PROJECT}${stack.defaulted.includes('GOOGLE_CLOUD_PROJECT') ? ' (local default; set GOOGLE_CLOUD_PROJECT to choose)' : ' (your GOOGLE_CLOUD_PROJECT)'}`);
  say(`  webhooks signed with ${stack.defaulted.includes('WEBHOOK_SECRET') ? 'the local dev secret (set WEBHOOK_SECRET to use yours)' : 'your WEBHOOK_SECRET'}`);
  say(`  environment secrets sealed with ${stack.defaulted.includes('ENV_SECRETS_KEY') ? 'a key made for this run (set ENV_SECRETS_KEY to keep yours)' : 'your ENV_SECRETS_KEY'}`);
  const yours = stack.apiKeys.source === 'user';
  const keyHeader = yours ? `X-API-Key: $YOUR_KEY` : `X-API-Key: ${stack.apiKeys.devKey}`;
  const noKeys = yours && stack.apiKeys.names.length === 0;
  say(
    noKeys
      ? '  API keys: none (your API_KEYS is empty), so every request is refused; unset API_KEYS to use the local dev key.'
      : yours
        ? `  API keys: yours (API_KEYS), for the key name(s) ${stack.apiKeys.names.join(', ')}; the local dev key is off. Below, $YOUR_KEY is the key you gave one of those names.`
        : `  API keys: the local dev key (key name "dev"); set API_KEYS=name:key to use your own.`,
  );
  say('');
  say('Submit a job:');
  say(`  curl -s -X POST ${stack.apiUrl}/jobs -H "${keyHeader}" -H 'Content-Type: application/json' -d '{"prompt":"Create hello.py that prints hello"}'`);
  say('Then read it:');
  say(`  curl -s ${stack.apiUrl}/jobs/JOB_ID -H "${keyHeader}"`);
  say('');
  if (!noDemo && stack.model.kind === 'offline') {
    const key = demoKey(stack);
    if (key) await runDemoJob(stack, key).catch((err: Error) => say(`demo job could not run: ${err.message}`));
    else say(noKeys ? 'no demo job: your API_KEYS is empty, so no key works.' : 'no demo job: your API_KEYS give only sha256 hashes, so the stack has no key to send.');
  }
  say('Press Ctrl-C to stop.');
}

void main();
