// A small SVG writer for latency distributions: one panel per comparison, each series drawn as its
// empirical CDF (x: latency in ms, y: share of requests at or below it), so a floor and the system
// measured against it read side by side. No plotting dependency for a handful of lines.
export interface LatencySeries {
  name: string;
  samplesMs: number[];
}

const W = 640;
const PANEL_H = 220;
const M = { left: 56, right: 16, top: 28, bottom: 36 };
const COLOURS = ['#1f6feb', '#d1242f', '#1a7f37', '#8250df', '#bf8700'];

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * p).find((x) => x >= v) ?? v;
}

function panel(title: string, series: LatencySeries[], top: number): string {
  const all = series.flatMap((s) => s.samplesMs);
  const xMax = niceMax(all.length ? Math.max(...all) : 1);
  const iw = W - M.left - M.right;
  const ih = PANEL_H - M.top - M.bottom;
  const x = (ms: number) => M.left + (ms / xMax) * iw;
  const y = (f: number) => top + M.top + (1 - f) * ih;
  const out: string[] = [`<text x="${M.left}" y="${top + 18}" font-size="13" font-weight="600">${esc(title)}</text>`];
  out.push(`<rect x="${M.left}" y="${top + M.top}" width="${iw}" height="${ih}" fill="none" stroke="#d0d7de"/>`);
  for (let i = 0; i <= 4; i++) {
    const ms = (xMax * i) / 4;
    out.push(`<text x="${x(ms)}" y="${top + PANEL_H - 18}" font-size="10" text-anchor="middle">${ms.toFixed(ms < 10 ? 1 : 0)}</text>`);
    out.push(`<text x="${M.left - 6}" y="${y(i / 4) + 3}" font-size="10" text-anchor="end">${i * 25}%</text>`);
  }
  out.push(`<text x="${M.left + iw / 2}" y="${top + PANEL_H - 4}" font-size="10" text-anchor="middle">latency (ms)</text>`);
  series.forEach((s, i) => {
    const sorted = [...s.samplesMs].sort((a, b) => a - b);
    const pts = sorted.map((v, k) => `${x(v).toFixed(1)},${y((k + 1) / sorted.length).toFixed(1)}`);
    const colour = COLOURS[i % COLOURS.length]!;
    if (pts.length) out.push(`<polyline fill="none" stroke="${colour}" stroke-width="1.8" points="${x(sorted[0]!).toFixed(1)},${y(0)} ${pts.join(' ')}"/>`);
    const med = sorted[Math.floor(sorted.length / 2)];
    out.push(`<text x="${M.left + iw - 4}" y="${top + M.top + ih - 8 - 14 * (series.length - 1 - i)}" font-size="11" text-anchor="end" fill="${colour}">${esc(s.name)} (n=${sorted.length}${med === undefined ? '' : `, median ${med.toFixed(1)} ms`})</text>`);
  });
  return out.join('\n');
}

export function latencyPlotSvg(plots: { title: string; series: LatencySeries[] }[]): string {
  const h = Math.max(1, plots.length) * PANEL_H;
  const body = plots.length ? plots.map((p, i) => panel(p.title, p.series, i * PANEL_H)).join('\n') : `<text x="20" y="40" font-size="13">no latency samples in this run</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="#fff"/>\n${body}\n</svg>\n`;
}
