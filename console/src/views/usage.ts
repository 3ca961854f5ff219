// Usage (GET /usage): the caller's last 30 days as a bar chart of total tokens, the totals, and each
// quota with what remains. The chart is SVG built with DOM APIs (the CSP forbids inline style); each
// bar's <title> and aria-label give the date, tokens and cost, and a list under the chart repeats them.
import type { UsageReport } from '../../../shared/usage/usage-report.js';
import { apiJson } from '../api-client.js';
import { fill, h } from '../dom.js';
import { count, duration, utc } from '../format.js';
import { every, type Dispose, type ViewContext } from '../view.js';

const REFRESH_MS = 30_000;
const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 600;
const HEIGHT = 160;

type Day = UsageReport['days'][number];
type QuotaName = keyof UsageReport['quotas'];

const QUOTA_LABELS: Record<QuotaName, string> = {
  tokens_per_day: 'Tokens per day',
  tokens_per_month: 'Tokens per month',
  jobs_per_day: 'Jobs per day',
  concurrent_jobs: 'Concurrent jobs',
};

export function usd(n: number): string {
  return `$${n.toFixed(n !== 0 && n < 0.01 ? 6 : 2)}`;
}

export function dayLabel(d: Day): string {
  return `${d.date}: ${count(d.total_tokens)} tokens, ${usd(d.cost_usd)}, ${count(d.jobs)} job${d.jobs === 1 ? '' : 's'}`;
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, ...children: (Node | string)[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  el.append(...children);
  return el;
}

function chart(days: Day[]): SVGSVGElement {
  const max = Math.max(1, ...days.map((d) => d.total_tokens));
  const slot = WIDTH / Math.max(1, days.length);
  const bars = days.map((d, i) => {
    const height = d.total_tokens === 0 ? 0 : Math.max(1, Math.round((d.total_tokens / max) * (HEIGHT - 4)));
    const label = dayLabel(d);
    return svg(
      'g',
      { class: 'usage-bar', role: 'listitem', 'aria-label': label, 'data-date': d.date, 'data-tokens': d.total_tokens },
      svg('title', {}, label),
      // A full-height transparent hit area, so empty days still show their title on hover.
      svg('rect', { class: 'usage-bar-hit', x: i * slot, y: 0, width: slot, height: HEIGHT }),
      svg('rect', { class: 'usage-bar-fill', x: i * slot + 1, y: HEIGHT - height, width: Math.max(1, slot - 2), height }),
    );
  });
  return svg('svg', { class: 'usage-chart', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'list', 'aria-label': 'Total tokens per day' }, ...bars);
}

function quotaRow(name: QuotaName, q: NonNullable<UsageReport['quotas'][QuotaName]>): HTMLElement {
  return h(
    'tr',
    { 'data-quota': name },
    h('th', { scope: 'row' }, QUOTA_LABELS[name]),
    h('td', {}, count(q.used)),
    h('td', {}, count(q.limit)),
    h('td', { class: 'remaining' }, `${count(q.remaining)} left`),
    h('td', {}, q.resets_at ? utc(q.resets_at) : '—'),
  );
}

export function renderUsage(ctx: ViewContext): Dispose {
  const title = h('h1', { tabindex: '-1' }, 'Usage');
  const meta = h('p', { class: 'muted', role: 'status' }, 'Loading…');
  const error = h('p', { class: 'error', role: 'alert' });
  const chartBox = h('section', { class: 'card usage-chart-card', 'aria-labelledby': 'usage-chart-h' }, h('h2', { id: 'usage-chart-h' }, 'Tokens per day (last 30 days)'));
  const totals = h('dl', { class: 'facts usage-totals' });
  const quotaBody = h('tbody');
  const quotaTable = h(
    'table',
    { class: 'quotas' },
    h('caption', { class: 'visually-hidden' }, 'Your quotas'),
    h('thead', {}, h('tr', {}, ['Quota', 'Used', 'Limit', 'Remaining', 'Resets'].map((c) => h('th', { scope: 'col' }, c)))),
    quotaBody,
  );
  const noQuotas = h('p', { class: 'muted' }, 'No quotas apply to this key.');
  ctx.main.replaceChildren(
    title,
    meta,
    error,
    chartBox,
    h('section', { class: 'card', 'aria-labelledby': 'usage-totals-h' }, h('h2', { id: 'usage-totals-h' }, 'Totals'), totals),
    h('section', { class: 'card', 'aria-labelledby': 'usage-quotas-h' }, h('h2', { id: 'usage-quotas-h' }, 'Quotas'), h('div', { class: 'table-wrap' }, quotaTable), noQuotas),
  );
  ctx.focus(title);
  document.title = 'Usage · codex-jobs console';
  return every(REFRESH_MS, async () => {
    try {
      const report = await apiJson<UsageReport>('usage');
      const t = report.totals;
      fill(chartBox, h('h2', { id: 'usage-chart-h' }, 'Tokens per day (last 30 days)'), chart(report.days));
      fill(
        totals,
        [
          ['Jobs', count(t.jobs)],
          ['Total tokens', count(t.total_tokens)],
          ['Input tokens', `${count(t.input_tokens)} (${count(t.cached_input_tokens)} cached)`],
          ['Output tokens', count(t.output_tokens)],
          ['Cost', usd(t.cost_usd)],
          ['Run time', duration(t.run_seconds * 1000)],
        ].map(([k, v]) => [h('dt', {}, k!), h('dd', {}, v!)]),
      );
      const quotas = (Object.keys(QUOTA_LABELS) as QuotaName[]).flatMap((k) => (report.quotas[k] ? [quotaRow(k, report.quotas[k])] : []));
      fill(quotaBody, quotas);
      quotaTable.hidden = quotas.length === 0;
      noQuotas.hidden = quotas.length > 0;
      fill(meta, `${report.days[0]?.date ?? ''} to ${report.days.at(-1)?.date ?? ''} (UTC)`);
      error.textContent = '';
    } catch (err) {
      error.textContent = `Could not load the usage: ${(err as Error).message}`;
      throw err;
    }
  });
}
