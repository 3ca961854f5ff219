// Output modes: -o json (one JSON document on stdout, nothing else there), -o jsonl (one JSON value
// per line), or human text. Results go to stdout; progress and errors to stderr.
import pc from 'picocolors';
import { UsageError } from './exit-codes.js';

export type OutputMode = 'human' | 'json' | 'jsonl';

export function parseOutputMode(value: string | undefined): OutputMode {
  if (value === undefined) return 'human';
  if (value === 'json' || value === 'jsonl') return value;
  throw new UsageError(`-o takes json or jsonl, not "${value}"`);
}

export interface Out {
  mode: OutputMode;
  /** A result line on stdout (human mode). */
  line(text?: string): void;
  /** A JSON document on stdout: indented in json mode, one line in jsonl. */
  json(value: unknown): void;
  /** A progress or note line on stderr. */
  note(text: string): void;
  stderrIsTty: boolean;
  stdoutIsTty: boolean;
}

export function makeOut(mode: OutputMode, streams: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream } = process): Out {
  return {
    mode,
    line: (text = '') => void streams.stdout.write(`${text}\n`),
    json: (value) => void streams.stdout.write(mode === 'json' ? `${JSON.stringify(value, null, 2)}\n` : `${JSON.stringify(value)}\n`),
    note: (text) => void streams.stderr.write(`${text}\n`),
    stderrIsTty: Boolean(streams.stderr.isTTY),
    stdoutIsTty: Boolean(streams.stdout.isTTY),
  };
}

export const color = {
  status(status: string): string {
    if (status === 'completed') return pc.green(status);
    if (status === 'failed') return pc.red(status);
    if (status === 'cancelled') return pc.yellow(status);
    return pc.cyan(status);
  },
  dim: pc.dim,
  bold: pc.bold,
  red: pc.red,
  green: pc.green,
  yellow: pc.yellow,
};

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  const two = (v: number) => String(v).padStart(2, '0');
  return h ? `${h}:${two(m % 60)}:${two(s % 60)}` : `${two(m)}:${two(s % 60)}`;
}

/** Columns padded to their widest cell. */
export function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell))));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - visibleLength(cell)))).join('  '));
}

function visibleLength(s: string): number {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;]*m/g, '').length;
}
