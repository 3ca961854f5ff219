// Runs fast-check over every entry point of entry-points.ts and counts inputs tried, 5xx answers,
// crashes (an unexpected throw), hangs (no answer within HANG_MS) and wrong answers (an HTTP entry
// point's oracle: a 4xx without the envelope, a refusal the input called for that was not made).
import fc from 'fast-check';
import { ApiError } from '../../shared/api/api-error.js';
import { ENTRY_POINTS, type EntryPoint } from './entry-points.js';
import { HungHandler, ServerError, WrongAnswer } from './http-verdict.js';

export interface HostileCounts {
  entry: string;
  inputs: number;
  fiveXx: number;
  crashes: number;
  hangs: number;
  wrong: number;
  ms: number;
  firstProblem?: string;
}

const HANG_MS = 10_000;
const HUNG = Symbol('hung');
const shown = (input: unknown) => JSON.stringify(input, (_k, v: unknown) => (v instanceof Uint8Array || (v as { type?: string })?.type === 'Buffer' ? `<${(v as Uint8Array).length ?? '?'} bytes>` : v))?.slice(0, 300);

/** HOSTILE_VERBOSE=1 prints every problem, not only each entry point's first. */
function note(counts: HostileCounts, problem: string): void {
  counts.firstProblem ??= problem;
  if (process.env.HOSTILE_VERBOSE) console.error(`${counts.entry}: ${problem}`);
}

async function once(entry: EntryPoint, input: unknown, counts: HostileCounts): Promise<void> {
  counts.inputs++;
  let timer: NodeJS.Timeout | undefined;
  try {
    const outcome = await Promise.race([
      Promise.resolve().then(() => entry.run(input)),
      new Promise((resolve) => (timer = setTimeout(() => resolve(HUNG), HANG_MS))),
    ]);
    if (outcome === HUNG) {
      counts.hangs++;
      note(counts, `hang on ${shown(input)}`);
    }
  } catch (err) {
    if ((err instanceof ApiError && err.status >= 500) || err instanceof ServerError) {
      counts.fiveXx++;
      note(counts, err instanceof ApiError ? `${err.status} ${err.message}` : err.message);
    } else if (err instanceof HungHandler) {
      counts.hangs++;
      note(counts, err.message);
    } else if (err instanceof WrongAnswer) {
      counts.wrong++;
      note(counts, err.message);
    } else if (!entry.expected(err)) {
      counts.crashes++;
      note(counts, `${(err as Error).name}: ${(err as Error).message} on ${shown(input)}`);
    }
  } finally {
    clearTimeout(timer);
  }
}

export interface HostileOptions {
  seed?: number;
  /** Inputs for one entry point (default: runsPerEntry for each). */
  runsFor?: (entry: EntryPoint) => number;
  /** Only the entry points whose name contains this. */
  only?: string;
}

export async function runHostile(runsPerEntry: number, options: HostileOptions = {}): Promise<HostileCounts[]> {
  const all: HostileCounts[] = [];
  for (const entry of ENTRY_POINTS.filter((e) => !options.only || e.name.includes(options.only))) {
    const counts: HostileCounts = { entry: entry.name, inputs: 0, fiveXx: 0, crashes: 0, hangs: 0, wrong: 0, ms: 0 };
    const started = Date.now();
    await entry.open?.();
    try {
      await fc.assert(
        fc.asyncProperty(entry.input, async (input) => {
          await once(entry, input, counts);
        }),
        { numRuns: options.runsFor?.(entry) ?? runsPerEntry, ...(options.seed === undefined ? {} : { seed: options.seed }) },
      );
    } finally {
      await entry.close?.();
    }
    counts.ms = Date.now() - started;
    all.push(counts);
  }
  return all;
}

const KEYS = ['inputs', 'fiveXx', 'crashes', 'hangs', 'wrong'] as const;

export function countsTable(rows: HostileCounts[]): string {
  const lines = ['entry point | inputs | 5xx | crashes | hangs | wrong answers | wall time', '---|---|---|---|---|---|---'];
  const row = (name: string, r: Pick<HostileCounts, (typeof KEYS)[number] | 'ms'>) => `${name} | ${KEYS.map((k) => r[k]).join(' | ')} | ${(r.ms / 1000).toFixed(1)} s`;
  for (const r of rows) lines.push(row(r.entry, r));
  const sum = (k: (typeof KEYS)[number] | 'ms') => rows.reduce((n, r) => n + r[k], 0);
  lines.push(row('**total**', { inputs: sum('inputs'), fiveXx: sum('fiveXx'), crashes: sum('crashes'), hangs: sum('hangs'), wrong: sum('wrong'), ms: sum('ms') }));
  return lines.join('\n');
}

export const hasProblems = (r: HostileCounts) => r.fiveXx + r.crashes + r.hangs + r.wrong > 0;
