// Cold start of each function: process start → first answered request, under the Functions Framework
// exactly as deployed (dist/functions/index.js with FUNCTION_TARGET, so only that function's modules
// load), side by side with a bare Functions Framework hello, interleaved. The first request is one
// each function answers without a dependency (the API: an unauthenticated GET /jobs → 401; push
// functions: an empty push envelope → acked as undecodable), so the time is start-up, not Firestore.
// Env: BENCH_RUNS (per function, default 5).
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort } from '../dev/free-port.js';
import { FUNCTIONS } from '../dev/topology.js';
import { recordAim } from './bench-report.js';

export const description = 'cold start per function (process start → first answered request) vs a bare Functions Framework hello';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

interface Target {
  name: string;
  target: string;
  module: string;
  request: { method: string; path: string; body?: string };
}

async function coldStart(t: Target): Promise<number> {
  const port = await freePort();
  // Dead emulator ports: nothing may reach a real service, and a client that connects at start shows up as slow.
  const env = {
    ...process.env,
    FUNCTION_TARGET: t.target,
    GOOGLE_CLOUD_PROJECT: 'bench-cold-start',
    FIRESTORE_EMULATOR_HOST: '127.0.0.1:9',
    PUBSUB_EMULATOR_HOST: '127.0.0.1:9',
    STORAGE_EMULATOR_HOST: 'http://127.0.0.1:9',
    METADATA_SERVER_DETECTION: 'none',
    API_KEYS: 'bench:bench-key-0123456789abcdef',
    WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    LOG_LEVEL: 'ERROR',
  };
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(dist, 'dev/serve-function.js'), t.target, t.module, String(port)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await new Promise<void>((resolve, reject) => {
      readline.createInterface({ input: child.stdout! }).on('line', (line) => /listening on/.test(line) && resolve());
      child.once('exit', (code) => reject(new Error(`${t.name} exited (${code}) before listening`)));
    });
    const res = await fetch(`http://127.0.0.1:${port}${t.request.path}`, {
      method: t.request.method,
      ...(t.request.body ? { body: t.request.body, headers: { 'content-type': 'application/json' } } : {}),
    });
    await res.arrayBuffer();
    return performance.now() - started;
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function run(): Promise<void> {
  const entry = path.join(dist, 'functions/index.js');
  const floor: Target = { name: 'bare hello', target: 'hello', module: path.join(dist, 'bench/fixtures/hello-function.js'), request: { method: 'GET', path: '/' } };
  const seen = new Set<string>();
  const targets: Target[] = [];
  for (const fn of FUNCTIONS) {
    if (seen.has(fn.target)) continue;
    seen.add(fn.target);
    const request = fn.target === 'enqueue' ? { method: 'GET', path: '/jobs' } : { method: 'POST', path: '/', body: '{}' };
    targets.push({ name: fn.target, target: fn.target, module: entry, request });
  }
  await coldStart(floor); // warm the page cache of node and the framework
  const samples = new Map<string, number[]>([[floor.name, []], ...targets.map((t) => [t.name, []] as [string, number[]])]);
  for (let i = 0; i < RUNS; i++) {
    for (const t of [floor, ...targets]) samples.get(t.name)!.push(await coldStart(t));
  }
  const base = median(samples.get(floor.name)!);
  console.log(`runs: ${RUNS} per function, interleaved; median ms`);
  console.log(`${floor.name.padEnd(18)} ${base.toFixed(0).padStart(6)}`);
  for (const t of targets) {
    const m = median(samples.get(t.name)!);
    console.log(`${t.name.padEnd(18)} ${m.toFixed(0).padStart(6)}  ${(m / base).toFixed(2)}×`);
  }
  for (const t of targets) recordAim({ benchmark: 'cold-start', name: `cold start of ${t.name}`, measured: median(samples.get(t.name)!), floor: base, unit: 'ms', aim: 1.5 });
}
