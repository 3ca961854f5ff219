// The event timeline of a job (GET /jobs/{id}/events): commands with their exit codes and output,
// agent messages, token usage, progress stages, the setup phase (its stages and output lines), network
// decisions (a host reached or refused), the delivery (its pull request linked), and the rest as compact JSON.
import type { JobEvent } from '../../../shared/jobs/job-document.js';
import { h, type Child } from '../dom.js';
import { count, duration, timeAgo } from '../format.js';
import { deliveryEventBody } from './delivery-panel.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function commandBody(d: Record<string, unknown>): Child[] {
  const exit = num(d.exit_code);
  const output = str(d.output);
  const lines = output ? output.replace(/\n$/, '').split('\n').length : 0;
  return [
    h('div', { class: 'event-head' }, h('span', { class: 'event-kind' }, 'Command'), h('code', { class: 'command' }, str(d.command)),
      exit === undefined ? h('span', { class: 'badge' }, str(d.status) || 'running') : h('span', { class: `badge ${exit === 0 ? 'exit-ok' : 'exit-fail'}` }, `exit ${exit}`),
      num(d.duration_ms) !== undefined ? h('span', { class: 'muted' }, duration(num(d.duration_ms)!)) : null),
    output ? h('details', {}, h('summary', {}, `Output (${lines} line${lines === 1 ? '' : 's'})`), h('pre', { class: 'output' }, output)) : h('p', { class: 'muted' }, 'No output.'),
  ];
}

/** `setup` {stage: started|output|finished, line?, exit_code?, duration_ms?, cache?, stopped?}. */
function setupBody(d: Record<string, unknown>): Child[] {
  const kind = h('span', { class: 'event-kind' }, 'Setup');
  switch (d.stage) {
    case 'output':
      return [h('div', { class: 'event-head' }, kind, h('code', { class: 'setup-line' }, str(d.line)))];
    case 'started':
      return [h('div', { class: 'event-head' }, kind, h('span', { class: 'badge' }, 'started'), h('span', {}, `cache ${str(d.cache)}${d.script ? ` · running ${str(d.script)}` : ''}`))];
    default: {
      const exit = num(d.exit_code);
      return [h('div', { class: 'event-head' }, kind, h('span', { class: 'badge' }, 'finished'),
        d.stopped ? h('span', { class: 'badge exit-fail' }, `stopped (${str(d.stopped)})`) : exit === undefined ? null : h('span', { class: `badge ${exit === 0 ? 'exit-ok' : 'exit-fail'}` }, `exit ${exit}`),
        h('span', { class: 'muted' }, `cache ${str(d.cache)}${num(d.duration_ms) !== undefined ? ` · ${duration(num(d.duration_ms)!)}` : ''}`))];
    }
  }
}

/** `network` {phase, host, port, method?, allowed, reason?}: one per host and decision. */
function networkBody(d: Record<string, unknown>): Child[] {
  const allowed = d.allowed === true;
  return [h('div', { class: 'event-head' }, h('span', { class: 'event-kind' }, 'Network'), h('span', { class: 'badge' }, str(d.phase)),
    h('span', { class: `badge ${allowed ? 'exit-ok' : 'exit-fail'}`, 'data-allowed': String(allowed) }, allowed ? 'allowed' : 'refused'),
    h('code', { class: 'network-host' }, `${d.method ? `${str(d.method)} ` : ''}${str(d.host)}:${str(d.port)}`),
    d.reason ? h('span', { class: 'muted' }, str(d.reason)) : null)];
}

function body(e: JobEvent): Child[] {
  const d = e.data;
  switch (e.type) {
    case 'command':
      return commandBody(d);
    case 'setup':
      return setupBody(d);
    case 'network':
      return networkBody(d);
    case 'delivery':
      return deliveryEventBody(d);
    case 'agent_message':
      return [h('div', { class: 'event-head' }, h('span', { class: 'event-kind' }, 'Agent message')), h('p', { class: 'message' }, str(d.text))];
    case 'token_usage':
      return [h('div', { class: 'event-head' }, h('span', { class: 'event-kind' }, 'Token usage'),
        h('span', {}, `${count(num(d.total_tokens) ?? 0)} total · ${count(num(d.input_tokens) ?? 0)} input (${count(num(d.cached_input_tokens) ?? 0)} cached) · ${count(num(d.output_tokens) ?? 0)} output (${count(num(d.reasoning_output_tokens) ?? 0)} reasoning)`))];
    case 'progress':
      return [h('div', { class: 'event-head' }, h('span', { class: 'event-kind' }, 'Progress'), h('span', { class: 'badge' }, str(d.stage)), h('span', {}, str(d.message)))];
    case 'claimed':
      return [h('div', { class: 'event-head' }, h('span', { class: 'event-kind' }, 'Claimed'), h('span', {}, `attempt ${str(d.attempt)} by ${str(d.holder)}`))];
    case 'finished': {
      const err = d.error as { code?: string; message?: string } | undefined;
      return [h('div', { class: 'event-head' }, h('span', { class: 'event-kind' }, 'Finished'), h('span', { class: `badge status-${str(d.status)}` }, str(d.status)), err ? h('span', {}, `${str(err.code)}: ${str(err.message)}`) : null)];
    }
    case 'file_change': {
      const changes = Array.isArray(d.changes) ? (d.changes as { path?: string; kind?: unknown }[]) : [];
      return [h('div', { class: 'event-head' }, h('span', { class: 'event-kind' }, 'File change')), h('ul', { class: 'plain' }, changes.map((c) => h('li', {}, h('code', {}, str(c.path)), ' ', h('span', { class: 'muted' }, str((c.kind as { type?: string })?.type ?? c.kind)))))];
    }
    case 'error':
      return [h('div', { class: 'event-head' }, h('span', { class: 'event-kind' }, 'Error'), h('span', { class: 'error' }, str(d.message)))];
    default:
      return [h('div', { class: 'event-head' }, h('span', { class: 'event-kind' }, e.type.replace(/_/g, ' ')), h('code', { class: 'muted json' }, JSON.stringify(d)))];
  }
}

export function timelineItem(e: JobEvent): HTMLLIElement {
  return h('li', { class: `event event-${e.type}`, 'data-seq': e.seq }, h('div', { class: 'event-meta' }, h('span', { class: 'seq' }, `#${e.seq}`), timeAgo(e.at)), h('div', { class: 'event-body' }, body(e)));
}
