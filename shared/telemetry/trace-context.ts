// A job's trace context and how it crosses Pub/Sub: W3C `traceparent` / `tracestate` message
// attributes, and `trace_id` + `trace_parent` on the job (document and message data), so a republish
// by the sweeper or a redelivery joins the job's one trace. Uses only @opentelemetry/api (no SDK):
// with tracing off, the ids are still made and carried (a few bytes), so logs of one job correlate.
import { randomBytes } from 'node:crypto';
import { createTraceState, ROOT_CONTEXT, trace, TraceFlags, type Context, type SpanContext } from '@opentelemetry/api';

/** The trace fields a job carries from its creation on. */
export interface JobTrace {
  trace_id: string;
  /** W3C traceparent of the span that made the job (submit or intake): the parent of its consumers' spans. */
  trace_parent: string;
}

export const TRACEPARENT_ATTRIBUTE = 'traceparent';
export const TRACESTATE_ATTRIBUTE = 'tracestate';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

export function formatTraceparent(sc: Pick<SpanContext, 'traceId' | 'spanId' | 'traceFlags'>): string {
  return `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** The span context a traceparent names, or undefined for a malformed or all-zero one. */
export function parseTraceparent(value: string | null | undefined): SpanContext | undefined {
  const m = value ? TRACEPARENT.exec(value.trim().toLowerCase()) : null;
  if (!m || m[1] === ZERO_TRACE || m[2] === ZERO_SPAN) return undefined;
  return { traceId: m[1]!, spanId: m[2]!, traceFlags: parseInt(m[3]!, 16), isRemote: true };
}

/** The active span's context when it is a real one (tracing on, inside a span). */
function activeSpanContext(): SpanContext | undefined {
  const sc = trace.getActiveSpan()?.spanContext();
  return sc && trace.isSpanContextValid(sc) ? sc : undefined;
}

/**
 * The trace of a new job: the active span's (the submit or intake span) when tracing is on, else
 * fresh ids (sampled, so a processor with tracing on continues it rather than dropping it).
 */
export function newJobTrace(): JobTrace {
  const sc = activeSpanContext();
  if (sc) return { trace_id: sc.traceId, trace_parent: formatTraceparent(sc) };
  const ids = randomBytes(24).toString('hex');
  const traceId = ids.slice(0, 32);
  return { trace_id: traceId, trace_parent: formatTraceparent({ traceId, spanId: ids.slice(32), traceFlags: TraceFlags.SAMPLED }) };
}

/** The job with its trace fields: kept when it has them (a replay, a message), else made now (newJobTrace). */
export function withJobTrace<T extends { trace_id?: string | undefined }>(job: T): T & Partial<JobTrace> {
  return job.trace_id ? job : { ...job, ...newJobTrace() };
}

/**
 * The attributes that carry a job's trace on a message: the active span's context when it belongs
 * to the job's trace (the submit span, the processor's job.finish), else the job's stored parent
 * (a sweeper's republish, which runs outside the job's trace). Nothing for a job made before traces.
 */
export function traceAttributes(stored: string | null | undefined): Record<string, string> {
  const storedContext = parseTraceparent(stored);
  const sc = activeSpanContext();
  if (sc && (!storedContext || sc.traceId === storedContext.traceId)) {
    const state = sc.traceState?.serialize();
    return { [TRACEPARENT_ATTRIBUTE]: formatTraceparent(sc), ...(state ? { [TRACESTATE_ATTRIBUTE]: state } : {}) };
  }
  return storedContext ? { [TRACEPARENT_ATTRIBUTE]: formatTraceparent(storedContext) } : {};
}

/** The remote parent a consumer continues: the message's `traceparent` attribute, else the job's stored one. */
export function parentSpanContext(attributes: Record<string, string>, stored?: string | null): SpanContext | undefined {
  const carried = parseTraceparent(attributes[TRACEPARENT_ATTRIBUTE]);
  const state = attributes[TRACESTATE_ATTRIBUTE];
  if (carried) return state ? { ...carried, traceState: createTraceState(state) } : carried;
  return parseTraceparent(stored);
}

/** A context whose parent is the given remote span (ROOT_CONTEXT when there is none). */
export function contextWithParent(parent: SpanContext | undefined): Context {
  return parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
}

/** Cloud Logging's correlation fields for a job's log lines (`trace` and `spanId`: see shared/logging.ts). */
export function traceLogFields(project: string, sc: Pick<SpanContext, 'traceId' | 'spanId'> | undefined): { trace?: string; spanId?: string } {
  return sc ? { trace: `projects/${project}/traces/${sc.traceId}`, spanId: sc.spanId } : {};
}

/** The trace fields of a line about a job (its stored trace; the active span's id when inside one of its spans). */
export function jobLogFields(project: string | undefined, job: { trace_parent?: string | undefined }): { trace?: string; spanId?: string } {
  return project ? traceLogFields(project, parseTraceparent(job.trace_parent)) : {};
}
