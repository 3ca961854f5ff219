// Environments (GET /environments): the caller's environments — name, the first line of setup,
// the secrets' names (values are write-only and never come back), and the network policy of each
// phase with the contract's defaults (setup on, agent off). Read-only: `codex-jobs env put` writes.
import type { EnvironmentView } from '../../../shared/environment/environment-schemas.js';
import { apiJson } from '../api-client.js';
import { fill, h } from '../dom.js';
import { timeAgo } from '../format.js';
import { every, type Dispose, type ViewContext } from '../view.js';

const REFRESH_MS = 10_000;

type Policy = EnvironmentView['network']['setup'];

export function policyText(policy: Policy, fallback: 'on' | 'off'): string {
  const p = policy ?? fallback;
  if (typeof p === 'string') return p;
  return `allow ${p.allow.join(', ') || '(none)'}${p.methods ? ` (${p.methods.join(', ')})` : ''}`;
}

function firstLine(script: string): string {
  return script.split('\n').find((l) => l.trim() !== '') ?? '';
}

function row(env: EnvironmentView): HTMLElement {
  return h(
    'tr',
    { 'data-environment': env.name },
    h('th', { scope: 'row' }, h('code', {}, env.name)),
    h('td', {}, env.setup ? h('code', { class: 'setup-line' }, firstLine(env.setup)) : h('span', { class: 'muted' }, 'none')),
    h('td', { class: 'secrets' }, env.secrets.length ? env.secrets.map((s, i) => [i ? ', ' : '', h('code', {}, s)]) : h('span', { class: 'muted' }, 'none')),
    h('td', { class: 'network-setup' }, policyText(env.network.setup, 'on')),
    h('td', { class: 'network-agent' }, policyText(env.network.agent, 'off')),
    h('td', {}, timeAgo(env.updated_at)),
  );
}

export function renderEnvironments(ctx: ViewContext): Dispose {
  const title = h('h1', { tabindex: '-1' }, 'Environments');
  const meta = h('p', { class: 'muted', role: 'status' }, 'Loading…');
  const error = h('p', { class: 'error', role: 'alert' });
  const body = h('tbody');
  const table = h(
    'table',
    { class: 'environments' },
    h('caption', { class: 'visually-hidden' }, 'Your environments'),
    h('thead', {}, h('tr', {}, ['Name', 'Setup', 'Secrets', 'Network (setup)', 'Network (agent)', 'Updated'].map((c) => h('th', { scope: 'col' }, c)))),
    body,
  );
  const howTo = h('p', { class: 'muted' }, 'Create or replace one with ', h('code', {}, 'codex-jobs env put NAME -f env.yaml'), '; a job uses it with ', h('code', {}, '"environment": "NAME"'), '.');
  ctx.main.replaceChildren(title, meta, error, h('div', { class: 'table-wrap' }, table), howTo);
  ctx.focus(title);
  document.title = 'Environments · codex-jobs console';
  return every(REFRESH_MS, async () => {
    try {
      const { environments } = await apiJson<{ environments: EnvironmentView[] }>('environments');
      fill(body, environments.map(row));
      table.hidden = environments.length === 0;
      fill(meta, environments.length ? `${environments.length} environment${environments.length === 1 ? '' : 's'}` : 'No environments yet.');
      error.textContent = '';
    } catch (err) {
      error.textContent = `Could not load the environments: ${(err as Error).message}`;
      throw err;
    }
  });
}
