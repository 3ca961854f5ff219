// The job list: filters (status, priority, source) in the hash, cursor paging (GET /jobs), and a
// live refresh every few seconds that updates rows cell by cell in place, so focus, scroll and the
// row's link stay put.
import type { JobSummary } from '../../../shared/jobs/job-summary.js';
import type { z } from 'zod';
import type { listResponseSchema } from '../../../shared/api/api-schemas.js';
import { apiJson } from '../api-client.js';
import { fill, h, type Child } from '../dom.js';
import { refreshTimes, timeAgo } from '../format.js';
import { PRIORITY_LABELS, SOURCE_LABELS, STATUS_LABELS, statusBadge } from '../labels.js';
import { jobHref, jobsHref } from '../router.js';
import { every, type Dispose, type ViewContext } from '../view.js';

type JobList = z.infer<typeof listResponseSchema>;
const PAGE_SIZE = 20;
const REFRESH_MS = 3000;
const FILTERS = { status: STATUS_LABELS, priority: PRIORITY_LABELS, source: SOURCE_LABELS } as const;

function filterSelect(name: keyof typeof FILTERS, current: string | null, onChange: () => void): HTMLElement {
  const id = `filter-${name}`;
  const select = h(
    'select',
    { id, name, onchange: onChange },
    h('option', { value: '' }, 'Any'),
    Object.entries(FILTERS[name]).map(([value, label]) => h('option', { value, ...(value === current ? { selected: true } : {}) }, label)),
  );
  return h('div', { class: 'field' }, h('label', { for: id }, name[0]!.toUpperCase() + name.slice(1)), select);
}

function prompt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 90 ? line.slice(0, 89) + '…' : line;
}

/** Each cell's content and the text it is keyed by: a cell is re-filled only when its key changes. */
function cellsOf(job: JobSummary): [key: string, content: () => Child][] {
  return [
    // The link depends on the job id alone: it stays the same element for the row's life, so a click
    // on a running job is not lost to a refresh that replaced it under the pointer.
    [job.job_id, () => [h('a', { href: jobHref(job.job_id), class: 'mono' }, job.job_id.slice(0, 8)), h('span', { class: 'visually-hidden' }, ` (${job.job_id})`)]],
    [`${job.status}|${job.cancel_requested}`, () => [statusBadge(job.status), job.cancel_requested && job.status === 'processing' ? h('span', { class: 'muted' }, ' cancelling') : null]],
    [job.priority, () => PRIORITY_LABELS[job.priority] ?? job.priority],
    [job.source, () => SOURCE_LABELS[job.source] ?? job.source],
    [job.prompt_preview, () => prompt(job.prompt_preview)],
    [job.created_at, () => timeAgo(job.created_at)],
    [job.completed_at ?? job.updated_at, () => timeAgo(job.completed_at ?? job.updated_at)],
  ];
}

/** Makes the row's cells once, then updates each in place. */
function updateRow(tr: HTMLTableRowElement, job: JobSummary): void {
  const cells = cellsOf(job);
  if (tr.cells.length !== cells.length) tr.replaceChildren(...cells.map((_, i) => h('td', i === 4 ? { class: 'prompt-cell' } : {})));
  cells.forEach(([key, content], i) => {
    const td = tr.cells[i]!;
    if (td.dataset.key === key) return;
    td.dataset.key = key;
    fill(td, content());
  });
  tr.dataset.status = job.status;
}

export function renderJobList(ctx: ViewContext, query: URLSearchParams): Dispose {
  const cursors: (string | null)[] = [null]; // cursors[i] = the cursor of page i
  let page = 0;
  let nextCursor: string | null = null;
  const rows = new Map<string, HTMLTableRowElement>();
  const title = h('h1', { tabindex: '-1' }, 'Jobs');
  const state = h('p', { class: 'muted live-state', role: 'status' }, 'Loading…');
  const error = h('p', { class: 'error', role: 'alert' });
  const tbody = h('tbody');
  const empty = h('p', { class: 'muted', hidden: true }, 'No jobs match these filters.');
  const newer = h('button', { type: 'button', disabled: true }, '← Newer');
  const older = h('button', { type: 'button', disabled: true }, 'Older →');
  const pageLabel = h('span', { class: 'muted' });

  const applyFilters = () => {
    const q = new URLSearchParams();
    for (const name of Object.keys(FILTERS)) {
      const v = (form.elements.namedItem(name) as HTMLSelectElement).value;
      if (v) q.set(name, v);
    }
    ctx.navigate(jobsHref(q));
  };
  const form = h(
    'form',
    { class: 'filters', 'aria-label': 'Filter jobs', onsubmit: (ev: Event) => (ev.preventDefault(), applyFilters()) },
    (Object.keys(FILTERS) as (keyof typeof FILTERS)[]).map((name) => filterSelect(name, query.get(name), applyFilters)),
  );

  const show = (list: JobList) => {
    nextCursor = list.next_cursor;
    const focusedId = (document.activeElement?.closest('tr') as HTMLTableRowElement | null)?.dataset.jobId;
    const seen = new Set<string>();
    const ordered = list.jobs.map((job) => {
      seen.add(job.job_id);
      let tr = rows.get(job.job_id);
      if (!tr) {
        tr = h('tr', { 'data-job-id': job.job_id });
        rows.set(job.job_id, tr);
      }
      updateRow(tr, job);
      return tr;
    });
    for (const id of [...rows.keys()]) if (!seen.has(id)) rows.delete(id);
    const current = [...tbody.children];
    if (current.length !== ordered.length || ordered.some((tr, i) => current[i] !== tr)) {
      tbody.replaceChildren(...ordered);
      if (focusedId) rows.get(focusedId)?.querySelector('a')?.focus();
    }
    refreshTimes(tbody);
    empty.hidden = list.jobs.length > 0;
    newer.disabled = page === 0;
    older.disabled = !nextCursor;
    pageLabel.textContent = `Page ${page + 1}`;
    state.textContent = `Live · updated ${new Date().toLocaleTimeString('en-GB', { timeZone: 'UTC' })} UTC`;
    error.textContent = '';
  };

  const load = async () => {
    const q = new URLSearchParams();
    for (const name of Object.keys(FILTERS)) {
      const v = query.get(name);
      if (v) q.set(name, v);
    }
    q.set('limit', String(PAGE_SIZE));
    const cursor = cursors[page];
    if (cursor) q.set('cursor', cursor);
    try {
      show(await apiJson<JobList>(`jobs?${q}`));
    } catch (err) {
      error.textContent = `Could not load jobs: ${(err as Error).message}`;
      throw err;
    }
  };

  newer.addEventListener('click', () => {
    page = Math.max(0, page - 1);
    void load();
  });
  older.addEventListener('click', () => {
    if (!nextCursor) return;
    cursors[page + 1] = nextCursor;
    page++;
    void load();
  });

  const table = h(
    'table',
    { class: 'jobs' },
    h('caption', { class: 'visually-hidden' }, 'Jobs, newest first'),
    h('thead', {}, h('tr', {}, ['Job', 'Status', 'Priority', 'Source', 'Prompt', 'Created', 'Last change'].map((c) => h('th', { scope: 'col' }, c)))),
    tbody,
  );
  ctx.main.replaceChildren(
    h('div', { class: 'heading-row' }, title, h('a', { href: '#/new', class: 'button primary' }, 'New job')),
    form,
    state,
    error,
    h('div', { class: 'table-wrap' }, table),
    empty,
    h('nav', { class: 'pager', 'aria-label': 'Pages' }, newer, pageLabel, older),
  );
  ctx.focus(title);
  document.title = 'Jobs · codex-jobs console';
  return every(REFRESH_MS, load);
}
