// TEMPORARY profiling (not committed).
import { handleJobMessage } from '../shared/processor/handle-job-message.js';
import { startBenchProcessor } from './bench-processor.js';
import { bareTurnProfiled } from './zbare.js';

export const description = 'temp profile';
const PROMPT = (tag: string) => `bench ${tag} [[cmd:echo hello > hello.txt]] [[final:done]]`;
const g = globalThis as unknown as { __prof?: [string, number][] };

export async function run(): Promise<void> {
  const stack = await startBenchProcessor();
  const { config, model, deps } = stack;
  const runs = Number(process.env.BENCH_RUNS ?? 7);
  const steps = new Map<string, number[]>();
  const bsteps = new Map<string, number[]>();
  const add = (m: Map<string, number[]>, k: string, v: number) => { if (!m.has(k)) m.set(k, []); m.get(k)!.push(v); };
  try {
    await handleJobMessage(deps, (await stack.submit(PROMPT('warm'), 300000)).message);
    await bareTurnProfiled(config.CODEX_BIN, model.url, 'warm');
    for (let i = 0; i < runs; i++) {
      const b = await bareTurnProfiled(config.CODEX_BIN, model.url, `b${i}`);
      let prev = b[0]![1];
      for (const [n, t] of b.slice(1)) { add(bsteps, n, t - prev); prev = t; }
      add(bsteps, 'TOTAL', b.at(-1)![1] - b[0]![1]);
      const msg = (await stack.submit(PROMPT(`p${i}`), 300000)).message;
      g.__prof = [['start', performance.now()]];
      await handleJobMessage(deps, msg);
      g.__prof.push(['end', performance.now()]);
      const p = g.__prof; g.__prof = undefined;
      prev = p[0]![1];
      for (const [n, t] of p.slice(1)) { add(steps, n, t - prev); prev = t; }
      add(steps, 'TOTAL', p.at(-1)![1] - p[0]![1]);
    }
    const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
    console.log('bare steps (median ms):');
    for (const [k, v] of bsteps) console.log(`  ${k.padEnd(28)} ${med(v).toFixed(1)}  [${v.map((x) => x.toFixed(0)).join(' ')}]`);
    console.log('processor steps (median ms, delta from previous mark):');
    for (const [k, v] of steps) console.log(`  ${k.padEnd(28)} ${med(v).toFixed(1)}  [${v.map((x) => x.toFixed(0)).join(' ')}]`);
  } finally {
    await stack.close();
  }
}
