// `npm run bench -- <name…>`: runs the named benchmarks (all when none is named). A benchmark is a
// file `<name>-bench.ts` in this folder exporting `run(args)` and `description`; it is found by its name.
// Benchmarks record their aims with bench-report.ts; the run writes bench/results/latest.{json,md,svg}.
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { killAllSync, stopAll } from '../dev/child-processes.js';
import { writeReport } from './bench-report.js';

export interface BenchmarkModule {
  description: string;
  run(args: string[]): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));

function registry(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of readdirSync(here)) {
    const m = /^(.+)-bench\.js$/.exec(file);
    if (m) found.set(m[1]!, path.join(here, file));
  }
  return found;
}

async function main(): Promise<number> {
  const benchmarks = registry();
  // Leading arguments that name benchmarks choose them (`npm run bench -- enqueue processor`); the rest go to each.
  const argv = process.argv.slice(2);
  const named = argv.findIndex((a) => !benchmarks.has(a));
  const picked = named === -1 ? argv : argv.slice(0, named);
  const rest = named === -1 ? [] : argv.slice(named);
  if (picked.length === 0 && rest.length > 0) {
    console.error(`no benchmark named ${rest[0]}; available: ${[...benchmarks.keys()].join(', ') || '(none)'}`);
    return 2;
  }
  const names = picked.length ? picked : [...benchmarks.keys()];
  console.log(`machine: ${os.cpus().length} cores; load average at start ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')} (1 / 5 / 15 min)`);
  for (const name of names) {
    const file = benchmarks.get(name);
    if (!file) {
      console.error(`no benchmark named ${name}; available: ${[...benchmarks.keys()].join(', ') || '(none)'}`);
      return 2;
    }
    const mod = (await import(pathToFileURL(file).href)) as BenchmarkModule;
    console.log(`== ${name}: ${mod.description}`);
    await mod.run(rest);
  }
  // The run's aims and latency samples, in one place (commit, machine, date, ratios).
  const written = writeReport(path.join(here, '..', '..', 'bench', 'results'), names);
  console.log(`machine: ${os.cpus().length} cores; load average now ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')} (1 / 5 / 15 min)`);
  console.log(`results: ${written.map((f) => path.relative(process.cwd(), f)).join(', ')}`);
  return 0;
}

process.on('exit', killAllSync);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stopAll().then(() => process.exit(130)));

main().then(
  async (code) => {
    await stopAll();
    process.exit(code);
  },
  async (err: Error) => {
    console.error(err.stack ?? err.message);
    await stopAll();
    process.exit(1);
  },
);
