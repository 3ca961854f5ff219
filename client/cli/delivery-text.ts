// How the CLI tells a job's delivery (result.delivery, and the `delivery` event): its state, the
// branch and commit, and the pull request's link, which `get`, `watch` and `submit --follow` print.
import type { JobDocument } from '../sdk/types.js';
import { color } from './output.js';

export type DeliveryResult = NonNullable<NonNullable<JobDocument['result']>['delivery']>;

const STATE_WORDS: Record<DeliveryResult['state'], string> = {
  pushed: 'pushed',
  opened: 'opened a pull request',
  updated: 'updated the pull request',
  skipped: 'skipped (no changes)',
  failed: 'failed',
};

function paintState(state: DeliveryResult['state']): string {
  const words = STATE_WORDS[state] ?? state;
  if (state === 'failed') return color.red(words);
  if (state === 'skipped') return color.dim(words);
  return color.green(words);
}

/** One line: `opened a pull request · branch codex-jobs/1a2b3c4d · commit 9f8e7d6`. */
export function deliveryLine(d: DeliveryResult): string {
  const parts = [paintState(d.state), `branch ${d.branch}`];
  if (d.commit) parts.push(`commit ${d.commit.slice(0, 12)}`);
  return parts.join(' · ');
}

/** The pull request as a line a terminal makes clickable: `#12 https://…`. */
export function pullRequestLine(d: DeliveryResult): string | undefined {
  return d.pull_request ? `#${d.pull_request.number} ${d.pull_request.url}` : undefined;
}

/** Rows for `get`'s table: delivery, pull request, delivery error. */
export function deliveryRows(d: DeliveryResult | undefined | null): [string, string][] {
  if (!d) return [];
  const rows: [string, string][] = [['delivery', deliveryLine(d)]];
  const pr = pullRequestLine(d);
  if (pr) rows.push(['pull request', pr]);
  if (d.error) rows.push(['delivery error', d.error]);
  return rows;
}

/** The delivery of a `delivery` event's data, when it has the shape of result.delivery. */
export function deliveryOfEvent(data: Record<string, unknown>): DeliveryResult | undefined {
  const d = (data.delivery && typeof data.delivery === 'object' ? data.delivery : data) as Partial<DeliveryResult>;
  return typeof d.state === 'string' && typeof d.branch === 'string' ? (d as DeliveryResult) : undefined;
}
