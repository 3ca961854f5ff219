// Cold start of each function: process start → its first answered request, where that request makes
// the function's first RPC (against the emulators), under the Functions Framework exactly as deployed
// (dist/functions/index.js with FUNCTION_TARGET: that function's bundle, the compile cache where Node
// has one). Side by side in every round, interleaved, with two floors:
//   - a bare Functions Framework hello (bench/fixtures/hello-function.ts): aim ≤ 2×;
//   - a "same clients" hello (bench/fixtures/same-clients-function.ts) that loads and constructs the
//     Google Cloud clients the function uses and makes the same kind of first RPC: aim ≤ 1.2×.
// Env: BENCH_RUNS (per function, default 5). Run it with another Node (e.g. 22, which has the compile
// cache) as `node22 dist/bench/run.js cold-start` after `node22 dist/dev/build-compile-cache.js`.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import { startEmulators, type EmulatorSet } from '../dev/emulator-set.js';
import { freePort } from '../dev/free-port.js';
import { parseConfig } from '../shared/config.js';
import { newJobDocument, specFromRequest } from '../shared/jobs/job-document.js';
import { newJobId } from '../shared/jobs/job-id.js';
import { laneFor, timeoutLimits } from '../shared/jobs/job-lane.js';
import { messageFromJob } from '../shared/jobs/job-message.js';
import { jobRequestSchema } from '../shared/jobs/job-request.js';
import { JOBS_COLLECTION } from '../shared/store/firestore-job-store.js';
import { recordAim, recordLatencies } from './bench-report.js';

export const description = 'cold start per function (process start → first answered request, with its first RPC) vs a bare Functions Framework hello and a same-clients hello';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PROJECT = 'bench-cold-start';
const API_KEY = 'bench-key-0123456789abcdef';

interface Request {
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

interface Started {
  name: string;
  module: string;
  target: string;
  env?: Record<string, string>;
  /** A fresh request per start (ids differ, so no start finds the work of an earlier one). */
  request: () => Request | Promise<Request>;
}

interface FunctionCase {
  fn: Started;
  floor: Started;
}

const push = (data: unknown, attributes: Record<string, string> = {}): Request => ({
  method: 'POST',
  path: '/',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    message: { data: Buffer.from(JSON.stringify(data)).toString('base64'), attributes, messageId: randomUUID(), publishTime: new Date().toISOString() },
    subscription: `projects/${PROJECT}/subscriptions/bench`,
  }),
});

function sameClients(name: string, clients: string[], rpc: 'get' | 'transaction' | 'batch' | 'query'): Started {
  return {
    name: `same clients (${name})`,
    target: 'same-clients',
    module: path.join(dist, 'bench/fixtures/same-clients-function.js'),
    env: { FLOOR_CLIENTS: clients.join(','), FLOOR_RPC: rpc },
    request: () => ({ method: 'GET', path: '/' }),
  };
}

/** Each function, the first request that wakes it (and the first RPC that request makes), and its floor. */
function cases(db: Firestore): FunctionCase[] {
  const entry = path.join(dist, 'functions/index.js');
  const config = parseConfig({ GOOGLE_CLOUD_PROJECT: PROJECT });
  // The job's document says cancelled, so the claim ends there instead of running a turn.
  const jobMessage = async () => {
    const request = jobRequestSchema(timeoutLimits(config)).parse({ prompt: 'cold start' });
    const job = newJobDocument(specFromRequest(request, { job_id: newJobId(), owner: 'bench', source: 'http', source_ref: null, lane: laneFor(request, config) }), config.JOB_TTL_DAYS);
    await db.collection(JOBS_COLLECTION).doc(job.job_id).set({ ...job, status: 'cancelled' });
    return push(messageFromJob(job), { job_id: job.job_id, priority: job.priority, source: job.source });
  };
  const fn = (target: string, request: () => Request | Promise<Request>): Started => ({ name: target, target, module: entry, request });
  return [
    // The API: auth, the rate limiter's lease (a transaction), the job's read → 404.
    { fn: fn('enqueue', () => ({ method: 'GET', path: `/jobs/${newJobId()}`, headers: { authorization: `Bearer ${API_KEY}` } })), floor: sameClients('enqueue', ['firestore', 'pubsub', 'storage'], 'transaction') },
    // A job message of a cancelled job: the claim's transaction reads it → acked.
    { fn: fn('processor', jobMessage), floor: sameClients('processor', ['firestore', 'pubsub', 'storage'], 'transaction') },
    // A dropped .prompt that is gone already: the job's derived id is checked, the object read → acked.
    {
      fn: fn('storage-trigger', () => push({}, { eventType: 'OBJECT_FINALIZE', bucketId: config.UPLOADS_BUCKET, objectId: `gone/${randomUUID()}.prompt`, objectGeneration: '1' })),
      floor: sameClients('storage-trigger', ['firestore', 'pubsub', 'storage'], 'get'),
    },
    // A schedule firing with a bad payload: a failed job is written (a create) → acked.
    { fn: fn('scheduler', () => push({ prompt: 'x', timeout: 5 }, { schedule: 'cold-start' })), floor: sameClients('scheduler', ['firestore', 'pubsub'], 'batch') },
    // A result of a job without a callback: the usage ledger's batch write → acked.
    {
      fn: fn('notifier', () =>
        push({ job_id: newJobId(), status: 'completed', exit_code: 0, final_message: 'ok', stdout: '', stderr: '', execution_time_ms: 1, output_files: [], usage: null, completed_at: new Date().toISOString(), owner: 'bench' }),
      ),
      floor: sameClients('notifier', ['firestore', 'pubsub'], 'batch'),
    },
    // A tick: the sweep's queries.
    { fn: fn('sweeper', () => push({})), floor: sameClients('sweeper', ['firestore', 'pubsub'], 'query') },
  ];
}

/** CPU time (user + system, ms) a live process has used, from /proc (Linux; NaN elsewhere). */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in USER_HZ ticks
  } catch {
    return NaN;
  }
}

interface Sample {
  wallMs: number;
  /** The process's CPU time to its first answer: what the load of a shared machine barely moves. */
  cpuMs: number;
}

async function coldStart(s: Started, emulators: EmulatorSet): Promise<Sample> {
  const port = await freePort();
  const env = {
    ...process.env,
    ...emulators.env,
    ...s.env,
    FUNCTION_TARGET: s.target,
    GOOGLE_CLOUD_PROJECT: PROJECT,
    API_KEYS: `bench:${API_KEY}`,
    WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    LOG_LEVEL: 'ERROR',
  };
  const request = await s.request();
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(dist, 'dev/serve-function.js'), s.target, s.module, String(port)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    await new Promise<void>((resolve, reject) => {
      readline.createInterface({ input: child.stdout! }).on('line', (line) => /listening on/.test(line) && resolve());
      child.once('exit', (code) => reject(new Error(`${s.name} exited (${code}) before listening: ${stderr.slice(-2000)}`)));
    });
    const res = await fetch(`http://127.0.0.1:${port}${request.path}`, { method: request.method, ...(request.headers ? { headers: request.headers } : {}), ...(request.body ? { body: request.body } : {}) });
    await res.arrayBuffer();
    const elapsed = performance.now() - started;
    const cpu = cpuMs(child.pid);
    // A first request that failed would time a failure path, not the first RPC.
    if (res.status >= 500) throw new Error(`${s.name} answered ${res.status} to its first request: ${stderr.slice(-2000)}`);
    return { wallMs: elapsed, cpuMs: cpu };
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function run(): Promise<void> {
  const emulators = await startEmulators();
  try {
    const config = parseConfig({ GOOGLE_CLOUD_PROJECT: PROJECT });
    Object.assign(process.env, emulators.env);
    const pubsub = new PubSub({ projectId: PROJECT });
    for (const topic of new Set([config.JOBS_TOPIC, config.PRIORITY_JOBS_TOPIC, config.RESULTS_TOPIC])) await pubsub.createTopic(topic);
    await pubsub.close();

    const bare: Started = { name: 'bare hello', target: 'hello', module: path.join(dist, 'bench/fixtures/hello-function.js'), request: () => ({ method: 'GET', path: '/' }) };
    const db = new Firestore({ projectId: PROJECT, ignoreUndefinedProperties: true });
    const all = cases(db);
    // Warms the page cache of node, the framework, the clients and the emulators' first answers.
    await coldStart(bare, emulators);
    for (const c of all) await coldStart(c.floor, emulators);
    const samples = new Map<string, Sample[]>([bare, ...all.flatMap((c) => [c.floor, c.fn])].map((s) => [s.name, []]));
    for (let i = 0; i < RUNS; i++) {
      for (const c of all) {
        // The bare hello beside each function, so every pair shares the load of its moment.
        for (const s of [bare, c.floor, c.fn]) samples.get(s.name)!.push(await coldStart(s, emulators));
      }
    }
    const wall = (s: Started) => samples.get(s.name)!.map((x) => x.wallMs);
    const med = (s: Started) => median(wall(s));
    const medCpu = (s: Started) => median(samples.get(s.name)!.map((x) => x.cpuMs));
    console.log(`runs: ${RUNS} per function, interleaved with both floors; medians, wall ms (CPU ms of the process)`);
    console.log(`${'function'.padEnd(16)} ${'measured'.padStart(12)} ${'bare hello'.padStart(12)} ${'same clients'.padStart(12)}  ×bare  ×same`);
    const cell = (s: Started) => `${med(s).toFixed(0)} (${medCpu(s).toFixed(0)})`.padStart(12);
    for (const c of all) {
      const m = med(c.fn);
      console.log(`${c.fn.name.padEnd(16)} ${cell(c.fn)} ${cell(bare)} ${cell(c.floor)}  ${(m / med(bare)).toFixed(2).padStart(5)} ${(m / med(c.floor)).toFixed(2).padStart(5)}`);
    }
    for (const c of all) {
      recordAim({ benchmark: 'cold-start', name: `cold start of ${c.fn.name} vs bare hello`, measured: med(c.fn), floor: med(bare), unit: 'ms', aim: 2 });
      recordAim({ benchmark: 'cold-start', name: `cold start of ${c.fn.name} vs same clients`, measured: med(c.fn), floor: med(c.floor), unit: 'ms', aim: 1.2 });
      const plot = `cold start of ${c.fn.name} (ms)`;
      recordLatencies(plot, 'bare hello', wall(bare));
      recordLatencies(plot, 'same clients', wall(c.floor));
      recordLatencies(plot, c.fn.name, wall(c.fn));
    }
  } finally {
    await emulators.stop();
  }
}
