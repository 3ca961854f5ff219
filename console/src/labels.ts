// The values the API's filters take, typed against the API's own (zod-inferred) types: a status,
// priority or source the API does not have fails the console's build, and one missing here too.
import type { JobSource } from '../../shared/jobs/job-document.js';
import type { Priority } from '../../shared/jobs/job-request.js';
import type { JobStatus } from '../../shared/jobs/job-status.js';
import { h } from './dom.js';

export const STATUS_LABELS: Record<JobStatus, string> = { queued: 'Queued', processing: 'Processing', completed: 'Completed', failed: 'Failed', cancelled: 'Cancelled' };
export const PRIORITY_LABELS: Record<Priority, string> = { low: 'Low', normal: 'Normal', high: 'High', critical: 'Critical' };
export const SOURCE_LABELS: Record<JobSource, string> = { http: 'HTTP', storage: 'Storage drop', scheduler: 'Schedule' };

export const TERMINAL: ReadonlySet<string> = new Set<JobStatus>(['completed', 'failed', 'cancelled']);

export function statusBadge(status: string): HTMLElement {
  return h('span', { class: `badge status-${status}` }, STATUS_LABELS[status as JobStatus] ?? status);
}
