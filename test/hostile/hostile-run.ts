// Runs fast-check over every entry point of entry-points.ts and counts inputs tried, 5xx answers,
// crashes (an unexpected throw) and hangs (no answer within HANG_MS).
import fc from 'fast-check';
import { ApiError } from '../../shared/api/api-error.js';
import { ENTRY_POINTS, type EntryPoint } from './entry-points.js';

export interface HostileCounts {
  entry: string;
  inputs: number;
  fiveXx: number;
  crashes: number;
  hangs: number;
  firstProblem?: string;
}

const HANG_MS = 10_000;
const HUNG = Symbol('hung');

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
      counts.firstProblem ??= `hang on ${JSON.stringify(input)?.slice(0, 300)}`;
    }
  } catch (err) {
    if (err instanceof ApiError && err.status >= 500) {
      counts.fiveXx++;
      counts.firstProblem ??= `${err.status} ${err.message}`;
    } else if (!entry.expected(err)) {
      counts.crashes++;
      counts.firstProblem ??= `${(err as Error).name}: ${(err as Error).message} on ${JSON.stringify(input)?.slice(0, 300)}`;
    }
  } finally {
    clearTimeout(timer);
  }
}

export async function runHostile(runsPerEntry: number, seed?: number): Promise<HostileCounts[]> {
  const all: HostileCounts[] = [];
  for (const entry of ENTRY_POINTS) {
    const counts: HostileCounts = { entry: entry.name, inputs: 0, fiveXx: 0, crashes: 0, hangs: 0 };
    await fc.assert(
      fc.asyncProperty(entry.input, async (input) => {
        await once(entry, input, counts);
      }),
      { numRuns: runsPerEntry, ...(seed === undefined ? {} : { seed }) },
    );
    all.push(counts);
  }
  return all;
}

export function countsTable(rows: HostileCounts[]): string {
  const lines = ['entry point | inputs | 5xx | crashes | hangs', '---|---|---|---|---'];
  for (const r of rows) lines.push(`${r.entry} | ${r.inputs} | ${r.fiveXx} | ${r.crashes} | ${r.hangs}`);
  const sum = (k: 'inputs' | 'fiveXx' | 'crashes' | 'hangs') => rows.reduce((n, r) => n + r[k], 0);
  lines.push(`**total** | ${sum('inputs')} | ${sum('fiveXx')} | ${sum('crashes')} | ${sum('hangs')}`);
  return lines.join('\n');
}
