// The processor's overhead over Codex itself, in one run: the same one-command scripted turn done by
// (a) a bare `codex app-server` driven by the smallest possible JSON-RPC loop, and (b) the processor
// from the claim to its terminal status write (claim → workspace → codex → uploads → result.json →
// terminal status; the codex-results publish and the folders' removal after it are printed beside),
// against the emulators. Also the processor's RSS, and its RSS growth while it uploads a 200 MB output file.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { configToml, MODEL_KEY_ENV } from '../shared/codex/codex-home.js';
import { environmentFreeCost } from './environment-free-cost.js';
import { handleJobMessage } from '../shared/processor/handle-job-message.js';
import { startBenchProcessor } from './bench-processor.js';
import { recordAim, recordLatencies } from './bench-report.js';

export const description = 'processor wall time (claim → terminal) vs a bare codex app-server turn; processor RSS; RSS growth uploading 200 MB';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const PROMPT = (tag: string) => `bench ${tag} [[cmd:echo hello > hello.txt]] [[final:done]]`;

export function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { median: at(0.5), p90: at(0.9), min: s[0]!, max: s.at(-1)! };
}

/** One turn with nothing but spawn + four JSON-RPC calls: the floor the processor is compared with. */
export async function bareTurn(bin: string, modelUrl: string, tag: string): Promise<number> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'bench-bare-'));
  const ws = path.join(root, 'ws');
  const home = path.join(root, 'home');
  const tmp = path.join(root, 'tmp');
  try {
    for (const d of [ws, home, tmp]) mkdirSync(d);
    writeFileSync(path.join(home, 'config.toml'), configToml({ baseUrl: modelUrl, apiKey: 'bench', model: 'bench' }, 'workspace-write'));
    const started = performance.now();
    const child = spawn(bin, ['app-server'], { cwd: ws, env: { PATH: process.env.PATH, HOME: home, CODEX_HOME: home, TMPDIR: tmp, [MODEL_KEY_ENV]: 'bench' }, stdio: ['pipe', 'pipe', 'ignore'] });
    const pending = new Map<number, (v: { result?: { thread?: { id: string } } }) => void>();
    let done!: () => void;
    const completed = new Promise<void>((r) => (done = r));
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const m = JSON.parse(line) as { id?: number; method?: string; result?: { thread?: { id: string } } };
      if (m.method === 'turn/completed') done();
      else if (m.id !== undefined && !m.method) pending.get(m.id)?.(m);
    });
    let id = 0;
    const call = (method: string, params: unknown) =>
      new Promise<{ result?: { thread?: { id: string } } }>((resolve) => {
        pending.set(++id, resolve);
        child.stdin.write(JSON.stringify({ method, id, params }) + '\n');
      });
    await call('initialize', { clientInfo: { name: 'bench', title: 'bench', version: '1' }, capabilities: { experimentalApi: true } });
    child.stdin.write('{"method":"initialized"}\n');
    const thread = await call('thread/start', { cwd: ws, approvalPolicy: 'never', sandbox: 'workspace-write' });
    await call('turn/start', { threadId: thread.result!.thread!.id, input: [{ type: 'text', text: PROMPT(tag) }] });
    await completed;
    child.stdin.end();
    await new Promise((r) => child.once('exit', r));
    return performance.now() - started;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const stack = await startBenchProcessor();
  const { config, model } = stack;
  // When the terminal write (store.finish) of each job returned: claim → terminal is the aim; the
  // delivery's whole handling (the codex-results publish and the folders' removal after it) is printed beside.
  let terminalAt = NaN;
  const store = stack.deps.store;
  const deps = {
    ...stack.deps,
    store: Object.assign(Object.create(store) as typeof store, {
      finish: async (...args: Parameters<typeof store.finish>) => {
        const done = await store.finish(...args);
        terminalAt = performance.now();
        return done;
      },
    }),
  };
  const submit = async (prompt: string) => (await stack.submit(prompt, 300_000)).message;
  try {
    // Warm-up: first Pub/Sub publish, first Firestore transaction, the sandbox probe, the page cache of the binary.
    await handleJobMessage(deps, await submit(PROMPT('warm')));
    await bareTurn(config.CODEX_BIN, model.url, 'warm');

    const bare: number[] = [];
    const proc: number[] = [];
    const whole: number[] = [];
    let rssPeak = 0;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 10);
    for (let i = 0; i < RUNS; i++) {
      bare.push(await bareTurn(config.CODEX_BIN, model.url, `bare-${i}`));
      const msg = await submit(PROMPT(`proc-${i}`));
      const t0 = performance.now();
      await handleJobMessage(deps, msg);
      whole.push(performance.now() - t0);
      proc.push(terminalAt - t0);
    }
    clearInterval(sampler);
    const b = stats(bare);
    const p = stats(proc);
    console.log(`runs: ${RUNS} each, interleaved; one-command scripted turn`);
    console.log('                         median    p90      min      max   (ms)');
    console.log(`bare codex app-server  ${b.median.toFixed(0).padStart(7)} ${b.p90.toFixed(0).padStart(7)} ${b.min.toFixed(0).padStart(7)} ${b.max.toFixed(0).padStart(7)}`);
    const w = stats(whole);
    console.log(`processor claim→terminal ${p.median.toFixed(0).padStart(5)} ${p.p90.toFixed(0).padStart(7)} ${p.min.toFixed(0).padStart(7)} ${p.max.toFixed(0).padStart(7)}`);
    console.log(`… → result sent, folders removed ${w.median.toFixed(0)} ms median (${(w.median / b.median).toFixed(2)}× the bare turn)`);
    recordAim({ benchmark: 'processor', name: 'processor claim → terminal (median) vs a bare app-server turn', measured: p.median, floor: b.median, unit: 'ms', aim: 1.2 });
    recordLatencies('one-command Codex turn', 'floor: bare codex app-server turn', bare);
    recordLatencies('one-command Codex turn', 'processor claim → terminal', proc);
    console.log(`processor node RSS: peak ${(rssPeak / 2 ** 20).toFixed(0)} MiB during the runs`);
    environmentFreeCost(config, (await deps.store.get((await stack.submit(PROMPT('env-free'), 300_000)).job.job_id))!);

    // 200 MB output: RSS growth of the processor while it streams the file to the outputs bucket.
    const big = await stack.submit('big output [[cmd:head -c 209715200 /dev/zero > big.bin]] [[final:made]]', 300_000);
    if (global.gc) global.gc();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler2 = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    await handleJobMessage(deps, big.message);
    clearInterval(sampler2);
    const job = await deps.store.get(big.job.job_id);
    console.log(`200 MB output: job ${job?.status}, uploaded ${job?.result?.created_files[0]?.size_bytes ?? 0} bytes; processor RSS ${(before / 2 ** 20).toFixed(0)} → peak ${(peak / 2 ** 20).toFixed(0)} MiB`);
    recordAim({ benchmark: 'processor', name: 'RSS growth while uploading a 200 MB output', measured: (peak - before) / 2 ** 20, unit: 'MiB', aim: 32 });
  } finally {
    await stack.close();
  }
}
