// How times, durations and sizes read in the console. Relative times carry the exact UTC time in
// their title (shown on hover) and a <time datetime> for assistive technology.
import { h } from './dom.js';

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];
const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

export function relative(iso: string, now = Date.now()): string {
  const diff = Date.parse(iso) - now;
  if (!Number.isFinite(diff)) return iso;
  if (Math.abs(diff) < 5000) return 'just now';
  for (const [unit, ms] of UNITS) if (Math.abs(diff) >= ms || unit === 'second') return rtf.format(Math.round(diff / ms), unit);
  return iso;
}

export function utc(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** A <time> showing "3 minutes ago", UTC on hover; refreshed by refreshTimes(). */
export function timeAgo(iso: string | null | undefined): HTMLElement | string {
  if (!iso) return '—';
  return h('time', { datetime: iso, title: utc(iso), 'data-relative': '' }, relative(iso));
}

/** Re-renders every relative time under root (called on each refresh tick). */
export function refreshTimes(root: ParentNode): void {
  for (const el of root.querySelectorAll<HTMLTimeElement>('time[data-relative]')) el.textContent = relative(el.dateTime);
}

export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

export function count(n: number): string {
  return new Intl.NumberFormat('en').format(n);
}
