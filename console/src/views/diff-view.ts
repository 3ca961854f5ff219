// The changes of a job as a per-file diff (GET /jobs/{id}/changes.patch, parsed in the browser).
// Each file is a collapsible section with old/new line numbers; binary files are named only.
import { ApiFailure, apiJson, apiText, jobPath } from '../api-client.js';
import { h, type Child } from '../dom.js';
import { count } from '../format.js';
import { parsePatch, type PatchFile } from '../patch.js';

const CHANGE_LABEL: Record<PatchFile['change'], string> = { added: 'added', modified: 'modified', deleted: 'deleted', renamed: 'renamed' };

function fileSection(f: PatchFile, index: number): HTMLElement {
  const label = f.change === 'renamed' && f.oldPath ? `${f.oldPath} → ${f.path}` : f.path;
  const summary = h(
    'summary',
    {},
    h('span', { class: `badge change-${f.change}` }, CHANGE_LABEL[f.change]),
    ' ',
    h('code', { class: 'path' }, label),
    ' ',
    f.binary ? h('span', { class: 'muted' }, 'binary') : h('span', { class: 'stat' }, h('span', { class: 'ins' }, `+${f.additions}`), ' ', h('span', { class: 'del' }, `−${f.deletions}`)),
  );
  let content: Child;
  if (f.binary) content = h('p', { class: 'muted' }, 'Binary file: not shown.');
  else if (!f.hunks.length) content = h('p', { class: 'muted' }, f.change === 'renamed' ? 'Renamed without changes.' : 'No text changes (mode change or empty file).');
  else {
    content = h(
      'table',
      { class: 'diff' },
      h('caption', { class: 'visually-hidden' }, `Changes to ${label}`),
      h('thead', { class: 'visually-hidden' }, h('tr', {}, h('th', { scope: 'col' }, 'Old line'), h('th', { scope: 'col' }, 'New line'), h('th', { scope: 'col' }, 'Change'))),
      f.hunks.map((hunk) =>
        h(
          'tbody',
          {},
          h('tr', { class: 'hunk' }, h('td', { colspan: 3 }, hunk.header)),
          hunk.lines.map((l) =>
            h('tr', { class: `line-${l.kind}` }, h('td', { class: 'ln' }, l.oldNo ?? ''), h('td', { class: 'ln' }, l.newNo ?? ''),
              h('td', { class: 'code' }, h('span', { class: 'sign', 'aria-label': l.kind === 'add' ? 'added' : l.kind === 'del' ? 'removed' : undefined }, l.kind === 'add' ? '+' : l.kind === 'del' ? '−' : ' '), l.text)),
          ),
        ),
      ),
    );
  }
  return h('details', { class: 'diff-file', open: index < 20, 'data-path': f.path }, summary, content);
}

/** Loads and renders the diff into `el`; explains a missing route (404), a running job (409), no changes. */
export async function loadDiff(el: HTMLElement, jobId: string): Promise<void> {
  el.replaceChildren(h('p', { class: 'muted' }, 'Loading changes…'));
  let patch: string;
  try {
    patch = await apiText(jobPath(jobId, '/changes.patch'), { headers: { accept: 'text/x-diff' } });
  } catch (err) {
    const f = err instanceof ApiFailure ? err : undefined;
    const why =
      f?.status === 404
        ? /no route/.test(f.message)
          ? 'This API has no changes.patch route yet, so the diff cannot be shown.'
          : `No changes were recorded for this job (${f.message}).`
        : f?.status === 409
          ? 'The changes are ready when the job ends.'
          : `Could not load the changes: ${(err as Error).message}`;
    el.replaceChildren(h('p', { class: 'muted', 'data-diff-state': f?.status ?? 'error' }, why));
    return;
  }
  const files = parsePatch(patch);
  // The summary (GET /jobs/{id}/changes) adds the base the diff is against; optional.
  const summary = await apiJson<{ base?: { kind?: string; commit?: string }; truncated?: boolean }>(jobPath(jobId, '/changes')).catch(() => undefined);
  const ins = files.reduce((n, f) => n + f.additions, 0);
  const del = files.reduce((n, f) => n + f.deletions, 0);
  el.replaceChildren(
    h('p', { 'data-diff-state': 'loaded' }, files.length ? `${count(files.length)} file${files.length === 1 ? '' : 's'} changed, ` : 'No files changed.',
      files.length ? [h('span', { class: 'ins' }, `+${count(ins)}`), ' ', h('span', { class: 'del' }, `−${count(del)}`)] : null,
      summary?.base?.kind ? h('span', { class: 'muted' }, ` · against the ${summary.base.kind} base${summary.base.commit ? ` ${summary.base.commit.slice(0, 10)}` : ''}`) : null,
      summary?.truncated ? h('strong', {}, ' · truncated: the outputs hit a cap') : null),
    ...files.map(fileSection),
  );
}
