// `npm run chaos [-- --jobs 200 --kills 8 --seed 17 --concurrency 3 --json]`: the chaos suite on
// its own emulators. Prints the numbers the README records; exits 1 when the aim (0 lost, 0 stuck,
// 0 duplicated effects) is not met.
import { parseArgs } from 'node:util';
import { killAllSync, stopAll } from '../../dev/child-processes.js';
import { formatReport, violations } from './chaos-report.js';
import { DEFAULT_CHAOS, runChaos } from './chaos-run.js';

process.env.METADATA_SERVER_DETECTION ??= 'none';
process.on('exit', killAllSync);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stopAll().then(() => process.exit(130)));

const { values } = parseArgs({
  options: {
    jobs: { type: 'string' },
    kills: { type: 'string' },
    seed: { type: 'string' },
    concurrency: { type: 'string' },
    sessions: { type: 'string' },
    json: { type: 'boolean' },
    quiet: { type: 'boolean' },
  },
});

const num = (v: string | undefined, name: string, fallback: number) => {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got ${v}`);
  return n;
};

const started = Date.now();
const report = await runChaos({
  jobs: num(values.jobs, 'jobs', DEFAULT_CHAOS.jobs),
  kills: num(values.kills, 'kills', DEFAULT_CHAOS.kills),
  seed: num(values.seed, 'seed', DEFAULT_CHAOS.seed),
  processorConcurrency: num(values.concurrency, 'concurrency', DEFAULT_CHAOS.processorConcurrency),
  sessions: num(values.sessions, 'sessions', DEFAULT_CHAOS.sessions),
  log: values.quiet ? undefined : (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`),
});
console.log('');
console.log(formatReport(report));
if (values.json) console.log(JSON.stringify(report, null, 2));
await stopAll();
process.exit(violations(report).length ? 1 : 0);
