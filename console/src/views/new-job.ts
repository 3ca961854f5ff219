// Submitting a job (POST /jobs) from the browser, so a job can be followed from submission to its
// diff without leaving the console. The API validates; its field errors are shown as they come.
import type { z } from 'zod';
import type { submitResponseSchema } from '../../../shared/api/api-schemas.js';
import type { JobRequestInput } from '../../../shared/jobs/job-request.js';
import { ApiFailure, apiFetch } from '../api-client.js';
import { h } from '../dom.js';
import { PRIORITY_LABELS } from '../labels.js';
import { jobHref } from '../router.js';
import type { Dispose, ViewContext } from '../view.js';

type SubmitResponse = z.infer<typeof submitResponseSchema>;

function field(id: string, label: string, control: HTMLElement, help?: string): HTMLElement {
  if (help) control.setAttribute('aria-describedby', `${id}-help`);
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, help ? h('p', { class: 'help', id: `${id}-help` }, help) : null);
}

export function renderNewJob(ctx: ViewContext): Dispose {
  const title = h('h1', { tabindex: '-1' }, 'New job');
  const prompt = h('textarea', { id: 'job-prompt', name: 'prompt', rows: 8, required: true });
  const priority = h('select', { id: 'job-priority', name: 'priority' }, Object.entries(PRIORITY_LABELS).map(([v, l]) => h('option', { value: v, ...(v === 'normal' ? { selected: true } : {}) }, l)));
  const timeout = h('input', { id: 'job-timeout', name: 'timeout_ms', type: 'number', min: 1000, step: 1000, inputmode: 'numeric' });
  const budget = h('input', { id: 'job-budget', name: 'max_total_tokens', type: 'number', min: 1, inputmode: 'numeric' });
  const session = h('input', { id: 'job-session', name: 'session_id', type: 'text', pattern: '[A-Za-z0-9_\\-]{1,128}', autocomplete: 'off' });
  const errors = h('div', { class: 'error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Submit job');
  // One key per form: a retried click after a network error cannot make a second job.
  let idempotencyKey = crypto.randomUUID();

  const form = h(
    'form',
    { class: 'card new-job', method: 'post', 'aria-labelledby': 'new-job-title' },
    field('job-prompt', 'Prompt', prompt),
    h('div', { class: 'row' },
      field('job-priority', 'Priority', priority),
      field('job-timeout', 'Timeout (ms)', timeout, 'Default 30000.'),
      field('job-budget', 'Token budget (max_total_tokens)', budget, 'Optional; the job fails with budget_exceeded past it.'),
      field('job-session', 'Session id', session, 'Optional; continues that session.')),
    submit,
    errors,
  );
  title.id = 'new-job-title';
  // Another body needs another key (the same key with another body is a 409).
  form.addEventListener('input', () => (idempotencyKey = crypto.randomUUID()));
  form.addEventListener('change', () => (idempotencyKey = crypto.randomUUID()));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const body: JobRequestInput = { prompt: prompt.value, priority: priority.value as JobRequestInput['priority'] };
    if (timeout.value) body.timeout_ms = Number(timeout.value);
    if (budget.value) body.max_total_tokens = Number(budget.value);
    if (session.value) body.session_id = session.value;
    submit.disabled = true;
    errors.replaceChildren();
    apiFetch('jobs', { method: 'POST', body, headers: { 'idempotency-key': idempotencyKey } })
      .then(async (res) => {
        const json = (await res.json()) as SubmitResponse & { error?: { message: string; details?: { field: string; message: string }[] } };
        if (!res.ok) throw Object.assign(new ApiFailure(res.status, 'rejected', json.error?.message ?? `HTTP ${res.status}`), { details: json.error?.details ?? [] });
        ctx.announce(`Job ${json.job_id} queued.`);
        ctx.navigate(jobHref(json.job_id));
      })
      .catch((err: Error & { details?: { field: string; message: string }[] }) => {
        errors.replaceChildren(h('p', {}, `The job was not submitted: ${err.message}`), err.details?.length ? h('ul', {}, err.details.map((d) => h('li', {}, h('code', {}, d.field), ': ', d.message))) : '');
        submit.disabled = false;
      });
  });
  ctx.main.replaceChildren(title, form);
  ctx.focus(title);
  document.title = 'New job · codex-jobs console';
  return () => undefined;
}
