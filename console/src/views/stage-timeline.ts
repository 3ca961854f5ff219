// "Where the time went": the job's stage timeline (stage-timeline-model.ts) as a table, one row per
// stage with its start (from the submit) and duration, and a bar on a shared time axis. The bars are
// SVG built with DOM APIs (the CSP forbids inline style) and hidden from assistive technology: the
// row's text says the same. The job page feeds it the document and the `stages` event.
import type { JobDocument } from '../../../shared/jobs/job-document.js';
import { fill, h } from '../dom.js';
import { duration } from '../format.js';
import { stagesOf, stageTimeline, type StageRow, type StageTiming } from '../stage-timeline-model.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 300;
const HEIGHT = 14;

function bar(row: StageRow, spanMs: number): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'stage-bar');
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  if (row.startMs !== null && row.durationMs !== null) {
    const rect = document.createElementNS(SVG, 'rect');
    const x = Math.min(WIDTH - 1, (row.startMs / spanMs) * WIDTH);
    rect.setAttribute('class', `stage-bar-fill stage-${row.key.replace(/[^a-z]/g, '-')}`);
    rect.setAttribute('x', x.toFixed(2));
    rect.setAttribute('y', '2');
    rect.setAttribute('width', Math.max(1, Math.min(WIDTH - x, (row.durationMs / spanMs) * WIDTH)).toFixed(2));
    rect.setAttribute('height', String(HEIGHT - 4));
    svg.append(rect);
  }
  return svg;
}

export interface StageTimelineView {
  element: HTMLElement;
  /** The job document changed. */
  update(job: JobDocument): void;
  /** A `stages` event arrived (each attempt stores one; the last one wins). */
  setStages(data: unknown): void;
}

export function stageTimelineView(): StageTimelineView {
  const element = h('div', { id: 'job-stages' }, h('p', { class: 'muted' }, 'Loading…'));
  let job: JobDocument | undefined;
  let stages: StageTiming[] = [];

  const render = () => {
    if (!job) return;
    const model = stageTimeline(job, stages);
    fill(
      element,
      h(
        'table',
        { class: 'stage-table' },
        h('caption', { class: 'visually-hidden' }, 'Stages of the job, from its submit: start, duration and a bar on a shared time axis'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Stage'), h('th', { scope: 'col' }, 'Starts at'), h('th', { scope: 'col' }, 'Duration'), h('th', { scope: 'col', class: 'stage-axis' }, `Timeline (0 – ${duration(model.spanMs)})`))),
        h(
          'tbody',
          {},
          model.rows.map((r) =>
            h(
              'tr',
              { 'data-stage': r.key },
              h('th', { scope: 'row' }, r.label),
              h('td', { class: 'stage-start' }, r.startMs === null ? '—' : `+${duration(r.startMs)}`),
              h('td', { class: 'stage-duration' }, r.durationMs === null ? '—' : duration(r.durationMs), r.note ? h('span', { class: 'muted stage-note' }, ` · ${r.note}`) : null),
              h('td', { class: 'stage-axis' }, bar(r, model.spanMs)),
            ),
          ),
        ),
      ),
    );
  };

  return {
    element,
    update(next) {
      job = next;
      render();
    },
    setStages(data) {
      stages = stagesOf(data);
      render();
    },
  };
}
