// One job, live: the document (GET /jobs/{id}) plus its event stream (GET /jobs/{id}/events over
// fetch), with cancel and rerun, the result, outputs, the diff, the delivery and the webhook state. Stream
// events that change the document (claimed, progress, finished) make the page re-read it.
import type { z } from 'zod';
import type { streamEndSchema, submitResponseSchema } from '../../../shared/api/api-schemas.js';
import type { JobDocument, JobEvent } from '../../../shared/jobs/job-document.js';
import { ApiFailure, apiJson, jobPath } from '../api-client.js';
import { fill, h } from '../dom.js';
import { refreshTimes } from '../format.js';
import { TERMINAL } from '../labels.js';
import { jobHref } from '../router.js';
import { followJobEvents } from '../sse.js';
import type { Dispose, ViewContext } from '../view.js';
import { deliverySection } from './delivery-panel.js';
import { loadDiff } from './diff-view.js';
import { elapsedText, resultSection, summary, webhookSection } from './job-details.js';
import { loadOutputs } from './outputs-panel.js';
import { stageTimelineView } from './stage-timeline.js';
import { timelineItem } from './timeline.js';
import { tokenMeter } from './token-meter.js';

type StreamEnd = z.infer<typeof streamEndSchema>;
type SubmitResponse = z.infer<typeof submitResponseSchema>;
const DOC_EVENTS = new Set(['claimed', 'progress', 'finished', 'stop_requested', 'delivery']);
const FALLBACK_POLL_MS = 5000;

const card = (title: string, id: string, ...body: (Node | string)[]) => h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...body);

export function renderJobPage(ctx: ViewContext, jobId: string): Dispose {
  const abort = new AbortController();
  const timers: ReturnType<typeof setInterval>[] = [];
  let job: JobDocument | undefined;
  let tokens = 0;
  let finalsLoaded = false;

  const title = h('h1', { tabindex: '-1' }, 'Job ', h('code', { class: 'mono' }, jobId));
  const actionState = h('p', { class: 'muted', role: 'status', id: 'action-state' });
  const cancelButton = h('button', { type: 'button', id: 'cancel-job', disabled: true }, 'Cancel job');
  const rerunButton = h('button', { type: 'button', id: 'rerun-job', disabled: true }, 'Rerun');
  const streamState = h('p', { class: 'muted live-state', id: 'stream-state' }, 'Connecting to the event stream…');
  const summaryBox = h('div', { id: 'job-summary' }, h('p', { class: 'muted' }, 'Loading…'));
  const resultBox = h('div', { id: 'job-result' });
  const promptBox = h('pre', { class: 'output prompt' });
  const timeline = h('ol', { class: 'timeline', id: 'timeline', 'aria-live': 'off' });
  const outputsBox = h('div', { id: 'job-outputs' }, h('p', { class: 'muted' }, 'The outputs appear when the job ends.'));
  const diffBox = h('div', { id: 'job-diff' }, h('p', { class: 'muted' }, 'The changes appear when the job ends.'));
  const deliveryBox = h('div', { id: 'job-delivery' });
  const webhookBox = h('div', { id: 'job-webhook' });
  const meter = tokenMeter();
  const stagesView = stageTimelineView(); // where the time went (issue 26)
  const error = h('p', { class: 'error', role: 'alert' });

  const show = (next: JobDocument) => {
    const changed = !job || job.updated_at !== next.updated_at || job.status !== next.status;
    const wasTerminal = job ? TERMINAL.has(job.status) : false;
    job = next;
    if (!changed) return;
    const terminal = TERMINAL.has(next.status);
    fill(summaryBox, summary(next));
    fill(resultBox, resultSection(next));
    fill(deliveryBox, deliverySection(next));
    fill(webhookBox, webhookSection(next));
    stagesView.update(next);
    promptBox.textContent = next.prompt;
    cancelButton.disabled = terminal || next.cancel_requested;
    rerunButton.disabled = false;
    document.body.dataset.jobStatus = next.status;
    const used = next.result?.usage.total_tokens;
    meter.update(Math.max(tokens, used ?? 0), next.max_total_tokens);
    if (terminal && !wasTerminal) ctx.announce(`Job ${next.status}.`);
    if (terminal && !finalsLoaded) {
      finalsLoaded = true;
      void loadOutputs(outputsBox, jobId, ctx.announce);
      void loadDiff(diffBox, jobId);
    }
  };

  let reading: Promise<void> | undefined;
  let again = false;
  const reread = (): Promise<void> => {
    // One read at a time; a request during a read makes one more after it.
    if (reading) {
      again = true;
      return reading;
    }
    reading = apiJson<JobDocument>(jobPath(jobId), { signal: abort.signal })
      .then(show, (err: unknown) => {
        if ((err as Error).name === 'AbortError') return;
        error.textContent = err instanceof ApiFailure && err.status === 404 ? `No job ${jobId} (or not yours).` : `Could not load the job: ${(err as Error).message}`;
      })
      .finally(() => {
        reading = undefined;
        if (again && !abort.signal.aborted) {
          again = false;
          void reread();
        }
      });
    return reading;
  };

  const onEvent = (e: JobEvent) => {
    timeline.appendChild(timelineItem(e));
    if (e.type === 'token_usage' && typeof e.data.total_tokens === 'number') {
      tokens = e.data.total_tokens;
      meter.update(tokens, job?.max_total_tokens ?? null);
    }
    if (e.type === 'stages') stagesView.setStages(e.data);
    if (DOC_EVENTS.has(e.type)) void reread();
  };

  cancelButton.addEventListener('click', () => {
    cancelButton.disabled = true;
    actionState.textContent = 'Cancelling…';
    apiJson<JobDocument>(jobPath(jobId, '/cancel'), { method: 'POST' })
      .then((doc) => {
        actionState.textContent = doc.status === 'cancelled' ? 'Cancelled.' : 'Cancel requested; the turn is stopping.';
        show(doc);
      })
      .catch((err: unknown) => {
        actionState.textContent = err instanceof ApiFailure && err.status === 409 ? 'The job has already ended.' : `Could not cancel: ${(err as Error).message}`;
        void reread();
      });
  });
  rerunButton.addEventListener('click', () => {
    rerunButton.disabled = true;
    actionState.textContent = 'Starting a rerun…';
    apiJson<SubmitResponse>(jobPath(jobId, '/rerun'), { method: 'POST', headers: { 'idempotency-key': crypto.randomUUID() } })
      .then((queued) => {
        ctx.announce(`Rerun queued as job ${queued.job_id}.`);
        ctx.navigate(jobHref(queued.job_id));
      })
      .catch((err: unknown) => {
        const f = err instanceof ApiFailure ? err : undefined;
        actionState.textContent = f?.status === 404 && /no route/.test(f.message) ? 'This API has no rerun route yet.' : `Could not rerun: ${(err as Error).message}`;
        rerunButton.disabled = false;
      });
  });

  ctx.main.replaceChildren(
    h('p', {}, h('a', { href: '#/jobs' }, '← All jobs')),
    title,
    error,
    h('div', { class: 'actions' }, cancelButton, rerunButton, actionState),
    streamState,
    // Where the changes went sits beside the result: the pull request is what a user looks for first.
    h('div', { class: 'grid' }, card('Summary', 'summary-title', summaryBox), h('div', {}, meter.element, card('Result', 'result-title', resultBox), card('Delivery', 'delivery-title', deliveryBox))),
    card('Prompt', 'prompt-title', promptBox),
    card('Where the time went', 'stages-title', stagesView.element),
    card('Timeline', 'timeline-title', timeline),
    card('Outputs', 'outputs-title', outputsBox),
    card('Changes', 'changes-title', diffBox),
    card('Webhook', 'webhook-title', webhookBox),
  );
  ctx.focus(title);
  document.title = `Job ${jobId.slice(0, 8)} · codex-jobs console`;

  void reread().then(() => {
    if (abort.signal.aborted) return;
    void followJobEvents<JobEvent, StreamEnd>(
      jobId,
      -1,
      {
        onEvent,
        onEnd: (end) => {
          streamState.textContent = `Stream ended: the job is ${end.status}.`;
          void reread();
        },
        onState: (s) => {
          streamState.textContent = s.kind === 'live' ? 'Live: following the event stream.' : s.kind === 'reconnecting' ? `Stream dropped; resuming in ${Math.round(s.inMs / 1000)} s…` : `Stream stopped: ${s.message}`;
        },
      },
      abort.signal,
    );
  });
  timers.push(
    setInterval(() => {
      if (!job) return;
      for (const el of summaryBox.querySelectorAll('[data-elapsed]')) el.textContent = elapsedText(job);
      refreshTimes(ctx.main);
    }, 1000),
    setInterval(() => {
      if (job && !TERMINAL.has(job.status) && !document.hidden) void reread();
    }, FALLBACK_POLL_MS),
  );
  return () => {
    abort.abort();
    for (const t of timers) clearInterval(t);
    delete document.body.dataset.jobStatus;
  };
}
