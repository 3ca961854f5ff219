// Where a job's changes went (see Delivery): the state, the branch and commit, and a link to the pull
// or merge request; before the job ends, what was asked for. Host text (the error) goes in as text.
import type { JobDocument } from '../../../shared/jobs/job-document.js';
import { h, type Child } from '../dom.js';

type Delivery = NonNullable<NonNullable<JobDocument['result']>['delivery']>;

const STATE_LABELS: Record<Delivery['state'], string> = {
  pushed: 'Pushed',
  opened: 'Pull request opened',
  updated: 'Pull request updated',
  skipped: 'Skipped: no changes',
  failed: 'Failed',
};

function row(term: string, ...value: Child[]): HTMLElement[] {
  return [h('dt', {}, term), h('dd', {}, ...value)];
}

/** Only http(s) links are made clickable: a host's answer never becomes a javascript: link. */
function safeHref(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** The pull request as a link that opens in a new tab (text only when the URL is not http(s)). */
export function pullRequestLink(pr: { url: string; number: number }): Child {
  const href = safeHref(pr.url);
  return href ? h('a', { href, target: '_blank', rel: 'noopener', class: 'pull-request' }, `#${pr.number}`, ' ', pr.url) : [`#${pr.number} `, h('code', {}, pr.url)];
}

/** A `delivery` event of the timeline (its data is result.delivery). */
export function deliveryEventBody(d: Record<string, unknown>): Child[] {
  const state = typeof d.state === 'string' ? d.state : '';
  const pr = d.pull_request as { url?: unknown; number?: unknown } | undefined;
  return [
    h('div', { class: 'event-head' }, h('span', { class: 'event-kind' }, 'Delivery'), h('span', { class: `badge delivery-${state}` }, STATE_LABELS[state as Delivery['state']] ?? state),
      typeof d.branch === 'string' ? h('code', {}, d.branch) : null,
      pr && typeof pr.url === 'string' && typeof pr.number === 'number' ? pullRequestLink({ url: pr.url, number: pr.number }) : null,
      typeof d.error === 'string' ? h('span', { class: 'error' }, d.error) : null),
  ];
}

export function deliverySection(job: JobDocument): Child {
  const d = job.result?.delivery;
  if (!d) {
    const asked = job.delivery;
    if (!asked) return h('p', { class: 'muted' }, job.session_id ? 'No delivery named: the changes stay with the job (see Changes), unless an earlier job of its session delivered.' : 'No delivery: the changes stay with the job (see Changes).');
    return h('p', { class: 'muted' }, `The changes are committed${asked.branch ? ` on ${asked.branch}` : ''} and pushed${asked.pull_request ? ', with a pull request,' : ''} when the job completes.`);
  }
  const pr = d.pull_request;
  return h(
    'dl',
    { class: 'facts', 'data-delivery-state': d.state },
    row('State', h('span', { class: `badge delivery-${d.state}` }, STATE_LABELS[d.state] ?? d.state)),
    row('Branch', h('code', {}, d.branch)),
    d.commit ? row('Commit', h('code', {}, d.commit)) : [],
    pr ? row('Pull request', pullRequestLink(pr)) : [],
    d.error ? row('Error', h('span', { class: 'delivery-error' }, d.error)) : [],
  );
}
