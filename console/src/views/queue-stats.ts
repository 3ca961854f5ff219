// Queue stats (GET /queue/stats): one table per breakdown the API returns (by_status, by_priority,
// by_source, and by_lane or any other once the API has it), refreshed live.
import type { QueueStats } from '../../../shared/api/api-schemas.js';
import { apiJson } from '../api-client.js';
import { fill, h } from '../dom.js';
import { count, timeAgo } from '../format.js';
import { every, type Dispose, type ViewContext } from '../view.js';

const REFRESH_MS = 5000;

function breakdown(name: string, counts: Record<string, number>): HTMLElement {
  const label = name.replace(/^by_/, '').replace(/_/g, ' ');
  const id = `stats-${name}`;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return h(
    'section',
    { class: 'card stats', 'aria-labelledby': id, 'data-breakdown': name },
    h('h2', { id }, `By ${label}`),
    h('table', {}, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, label[0]!.toUpperCase() + label.slice(1)), h('th', { scope: 'col', class: 'num' }, 'Jobs'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Share')))),
      h('tbody', {}, Object.entries(counts).map(([k, n]) =>
        h('tr', { 'data-key': k }, h('th', { scope: 'row' }, k), h('td', { class: 'num' }, count(n)),
          h('td', { class: 'bar-cell' }, h('span', { class: 'bar', 'data-share': total ? Math.round((n / total) * 100) : 0, 'aria-hidden': 'true' })))))),
  );
}

export function renderQueueStats(ctx: ViewContext): Dispose {
  const title = h('h1', { tabindex: '-1' }, 'Queue stats');
  const meta = h('p', { class: 'muted', role: 'status' }, 'Loading…');
  const error = h('p', { class: 'error', role: 'alert' });
  const grid = h('div', { class: 'stats-grid' });
  ctx.main.replaceChildren(title, meta, error, grid);
  ctx.focus(title);
  document.title = 'Queue stats · codex-jobs console';
  return every(REFRESH_MS, async () => {
    try {
      const stats = await apiJson<QueueStats>('queue/stats');
      const tables = Object.entries(stats as unknown as Record<string, unknown>)
        .filter(([k, v]) => k.startsWith('by_') && v && typeof v === 'object')
        .map(([k, v]) => breakdown(k, v as Record<string, number>));
      fill(grid, tables);
      // Bar widths from data attributes: the CSP allows no inline style attributes.
      for (const bar of grid.querySelectorAll<HTMLElement>('.bar')) bar.style.setProperty('--share', `${bar.dataset.share}%`);
      fill(meta, `${count(stats.total)} jobs · ${stats.scope === 'all' ? 'every owner (admin key)' : `owner ${stats.owner}`} · counted `, timeAgo(stats.generated_at));
      error.textContent = '';
    } catch (err) {
      error.textContent = `Could not load the stats: ${(err as Error).message}`;
      throw err;
    }
  });
}
