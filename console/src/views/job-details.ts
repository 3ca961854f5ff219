// The parts of a job's page drawn from its document: the summary, the result (final message,
// structured output, stdout/stderr), the error, and the webhook delivery state.
import type { JobDocument } from '../../../shared/jobs/job-document.js';
import { h, type Child } from '../dom.js';
import { duration, timeAgo } from '../format.js';
import { PRIORITY_LABELS, SOURCE_LABELS, statusBadge } from '../labels.js';

function row(term: string, ...value: Child[]): HTMLElement[] {
  return [h('dt', {}, term), h('dd', {}, ...value)];
}

/** Elapsed: queued → now while waiting; started → completed (or now) once it runs. */
export function elapsedText(job: JobDocument, now = Date.now()): string {
  const end = job.completed_at ? Date.parse(job.completed_at) : now;
  if (job.started_at) return duration(end - Date.parse(job.started_at)) + (job.completed_at ? '' : ' so far');
  if (job.completed_at) return 'never started';
  return `waiting ${duration(now - Date.parse(job.created_at))}`;
}

export function summary(job: JobDocument): HTMLElement {
  // Fields other issues add to the document: shown when the API has them.
  const { lane, workspace } = job as { lane?: string; workspace?: unknown };
  const metadata = Object.entries(job.metadata);
  return h(
    'dl',
    { class: 'facts' },
    row('Status', statusBadge(job.status), job.cancel_requested && job.status === 'processing' ? ' (cancel requested)' : ''),
    row('Stage', h('span', { class: 'badge', 'data-stage': job.progress.stage }, job.progress.stage), ' ', job.progress.message, job.progress.percent !== undefined ? ` (${job.progress.percent}%)` : ''),
    row('Elapsed', h('span', { 'data-elapsed': '' }, elapsedText(job))),
    row('Priority', PRIORITY_LABELS[job.priority] ?? job.priority),
    lane ? row('Lane', lane) : [],
    row('Source', SOURCE_LABELS[job.source] ?? job.source, job.source_ref ? [' · ', h('code', {}, job.source_ref)] : ''),
    row('Owner', job.owner),
    row('Attempts', String(job.attempts)),
    row('Created', timeAgo(job.created_at)),
    row('Started', timeAgo(job.started_at)),
    row('Finished', timeAgo(job.completed_at)),
    row('Timeout', duration(job.timeout_ms)),
    job.session_id ? row('Session', h('code', {}, job.session_id)) : [],
    workspace ? row('Workspace', h('code', {}, JSON.stringify(workspace))) : [],
    // The environment the job runs with (its copy); setup output and network events are events of the timeline.
    job.environment
      ? row('Environment', job.environment.name ? h('a', { href: '#/environments', 'data-environment': job.environment.name }, h('code', {}, job.environment.name)) : 'inline', job.environment.secrets.length ? ` · secrets ${job.environment.secrets.join(', ')}` : '')
      : [],
    metadata.length ? row('Metadata', h('ul', { class: 'plain' }, metadata.map(([k, v]) => h('li', {}, h('code', {}, k), ' = ', v)))) : [],
  );
}

export function resultSection(job: JobDocument): Child[] {
  const out: Child[] = [];
  if (job.error) out.push(h('div', { class: 'card error-card', role: 'note' }, h('h3', {}, 'Error'), h('p', {}, h('code', {}, job.error.code), ': ', job.error.message)));
  const r = job.result;
  if (!r) {
    out.push(h('p', { class: 'muted' }, job.status === 'queued' || job.status === 'processing' ? 'The result appears when the job ends.' : 'No result was recorded.'));
    return out;
  }
  out.push(
    h('h3', {}, 'Final message'),
    r.final_message ? h('p', { class: 'message final-message' }, r.final_message) : h('p', { class: 'muted' }, 'No final message.'),
  );
  if (r.structured_output !== undefined) out.push(h('h3', {}, 'Structured output'), h('pre', { class: 'output structured' }, JSON.stringify(r.structured_output, null, 2)));
  out.push(
    h(
      'dl',
      { class: 'facts' },
      row('Exit code', String(r.exit_code)),
      row('Run time', duration(r.execution_time_ms)),
      row('Thread', r.thread_id ? h('code', {}, r.thread_id) : '—'),
      r.setup ? row('Setup', h('span', { 'data-setup-cache': r.setup.cache }, `cache ${r.setup.cache}`), ` · exit ${r.setup.exit_code ?? '—'} · ${duration(r.setup.duration_ms)}`) : [],
    ),
    r.stdout ? h('details', {}, h('summary', {}, 'stdout'), h('pre', { class: 'output' }, r.stdout)) : null,
    r.stderr ? h('details', {}, h('summary', {}, 'stderr'), h('pre', { class: 'output' }, r.stderr)) : null,
  );
  return out;
}

export function webhookSection(job: JobDocument): Child {
  const c = job.callback;
  if (!c) return h('p', { class: 'muted' }, 'No callback_url: this job sends no webhook.');
  return h(
    'dl',
    { class: 'facts' },
    row('URL', h('code', {}, job.callback_url ?? '')),
    row('State', h('span', { class: `badge callback-${c.state}` }, c.state)),
    row('Attempts', String(c.attempts)),
    row('Last HTTP status', c.last_status === null ? '—' : String(c.last_status)),
    c.last_error ? row('Last error', c.last_error) : [],
    row('Delivered', timeAgo(c.delivered_at)),
  );
}
