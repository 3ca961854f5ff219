// The text of the reply comment on the issue or pull request: when the job is made (a link to it),
// and when it ends (status, a summary, the pull request its delivery opened or updated).
import type { ResultMessage } from '../jobs/result-message.js';

export const REPLY_MARKER = '<!-- codex-jobs -->';

export interface ReplyLinks {
  job_id: string;
  status_url: string;
  console_url: string;
}

function jobLine(links: ReplyLinks): string {
  return `Job [\`${links.job_id}\`](${links.console_url}) (status: ${links.status_url})`;
}

export function queuedReply(links: ReplyLinks): string {
  return [REPLY_MARKER, `**codex-jobs** is on it. ${jobLine(links)} is queued; this comment is updated when it ends.`].join('\n');
}

/** The part of result.delivery the reply shows (the delivery schema itself lives in shared/delivery/). */
export interface DeliveryShown {
  state: string;
  branch?: string;
  pull_request?: { url: string; number: number };
  error?: string;
}

const SUMMARY_LIMIT = 3_000;

function summaryOf(result: ResultMessage): string | undefined {
  const text = (result.final_message ?? '').trim();
  if (!text) return undefined;
  return text.length > SUMMARY_LIMIT ? `${text.slice(0, SUMMARY_LIMIT)}…` : text;
}

function quoted(text: string): string {
  return text
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n');
}

function deliveryLine(delivery: DeliveryShown | undefined): string | undefined {
  if (!delivery) return undefined;
  const pr = delivery.pull_request ? `pull request #${delivery.pull_request.number}: ${delivery.pull_request.url}` : undefined;
  switch (delivery.state) {
    case 'opened':
      return `Opened ${pr ?? `a pull request from \`${delivery.branch}\``}.`;
    case 'updated':
      return `Updated ${pr ?? `\`${delivery.branch}\``}.`;
    case 'pushed':
      return `Pushed to \`${delivery.branch}\`${pr ? ` (${pr})` : ''}.`;
    case 'skipped':
      return 'No changes to deliver.';
    case 'failed':
      return `Delivery failed: ${(delivery.error ?? 'unknown error').slice(0, 500)}`;
    default:
      return undefined;
  }
}

export function endedReply(links: ReplyLinks, result: ResultMessage, delivery: DeliveryShown | undefined): string {
  const stats = result.changes?.stats;
  const lines = [REPLY_MARKER, `**codex-jobs**: ${jobLine(links)} **${result.status}**.`];
  if (result.error) lines.push('', `Error \`${result.error.code}\`: ${result.error.message.slice(0, 500)}`);
  const summary = summaryOf(result);
  if (summary) lines.push('', quoted(summary));
  if (stats) lines.push('', `${stats.files_changed} file(s) changed, +${stats.insertions} −${stats.deletions}.`);
  const shipped = deliveryLine(delivery);
  if (shipped) lines.push('', shipped);
  return lines.join('\n');
}
