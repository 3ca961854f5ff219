// What one `npm run bench` run measured, in one place: every aim (measured against its floor, side
// by side in the same run) and the latency samples behind them. bench/run.ts writes it out as
// bench/results/latest.json, latest.md and latest.svg.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { latencyPlotSvg, type LatencySeries } from './latency-plot.js';

export interface Aim {
  benchmark: string;
  /** What is compared, e.g. "POST /jobs p50 at c=1". */
  name: string;
  measured: number;
  /** The floor measured in the same run; absent when the aim is an absolute bound. */
  floor?: number;
  unit: string;
  /** measured / floor, or measured itself for absolute aims. */
  value: number;
  /** `value <= aim` (or `>=` when higherIsBetter) meets it. */
  aim: number;
  higherIsBetter?: boolean;
  met: boolean;
}

const aims: Aim[] = [];
/** The machine's load when the run began (this module loads first): a number measured under load says so. */
const loadAtStart = os.loadavg();
const series: { plot: string; series: LatencySeries }[] = [];

/** Records an aim and prints whether it is met. */
export function recordAim(a: Omit<Aim, 'value' | 'met'> & { value?: number }): Aim {
  const value = a.value ?? (a.floor !== undefined ? a.measured / a.floor : a.measured);
  const met = a.higherIsBetter ? value >= a.aim : value <= a.aim;
  const full: Aim = { ...a, value, met };
  aims.push(full);
  const ratio = a.floor !== undefined ? `${value.toFixed(2)}× the floor (${fmt(a.measured)} vs ${fmt(a.floor)} ${a.unit})` : `${fmt(a.measured)} ${a.unit}`;
  console.log(`aim: ${a.name}: ${ratio}; aim ${a.higherIsBetter ? '≥' : '≤'} ${a.aim}${a.floor !== undefined ? '×' : ` ${a.unit}`} → ${met ? 'MET' : 'NOT MET'}`);
  return full;
}

/** Records latency samples (ms) for the distribution plot; `plot` groups the series drawn together. */
export function recordLatencies(plot: string, name: string, samplesMs: number[]): void {
  series.push({ plot, series: { name, samplesMs } });
}

function fmt(n: number): string {
  return Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2);
}

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const loadText = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');

function markdown(meta: { commit: string; date: string; machine: string; cores: number; load_at_start: number[]; load_at_end: number[]; benchmarks: string[] }): string {
  const lines = [
    `# Benchmark results`,
    '',
    `commit ${meta.commit} · ${meta.date} · ${meta.machine} · benchmarks: ${meta.benchmarks.join(', ')}`,
    '',
    `**${meta.cores} cores; load average (1 / 5 / 15 min) ${loadText(meta.load_at_start)} when the run began, ${loadText(meta.load_at_end)} when it ended.** A load near or above the core count means other work shared the machine: the ratios are then noisier and usually worse.`,
    '',
    '| benchmark | aim | measured | floor | ratio / value | target | result |',
    '|---|---|---|---|---|---|---|',
    ...aims.map(
      (a) =>
        `| ${a.benchmark} | ${a.name} | ${fmt(a.measured)} ${a.unit} | ${a.floor === undefined ? '—' : `${fmt(a.floor)} ${a.unit}`} | ${a.floor === undefined ? fmt(a.value) : `${a.value.toFixed(2)}×`} | ${a.higherIsBetter ? '≥' : '≤'} ${a.aim}${a.floor === undefined ? '' : '×'} | ${a.met ? 'MET' : '**NOT MET**'} |`,
    ),
    '',
    '![latency distributions](latest.svg)',
    '',
  ];
  return lines.join('\n');
}

/** Writes latest.json, latest.md and latest.svg into dir; returns the paths. */
export function writeReport(dir: string, benchmarks: string[]): string[] {
  mkdirSync(dir, { recursive: true });
  const meta = {
    commit: commit(),
    date: new Date().toISOString(),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${process.platform} ${os.release()}, node ${process.version}`,
    cores: os.cpus().length,
    load_at_start: loadAtStart,
    load_at_end: os.loadavg(),
    benchmarks,
  };
  const plots = [...new Set(series.map((s) => s.plot))].map((title) => ({ title, series: series.filter((s) => s.plot === title).map((s) => s.series) }));
  const files = { json: path.join(dir, 'latest.json'), md: path.join(dir, 'latest.md'), svg: path.join(dir, 'latest.svg') };
  writeFileSync(files.json, JSON.stringify({ ...meta, aims, latencies: series.map((s) => ({ plot: s.plot, name: s.series.name, samples_ms: s.series.samplesMs })) }, null, 2) + '\n');
  writeFileSync(files.md, markdown(meta));
  writeFileSync(files.svg, latencyPlotSvg(plots));
  return Object.values(files);
}
