// Span helpers. With tracing off each is a plain call of its function (no span object, no context
// switch). Attributes are ids, counts and outcomes only: never prompt text, message bodies or secrets.
import { SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Link, type Span } from '@opentelemetry/api';
import { parseTraceparent } from './trace-context.js';
import { tracer, tracingOn } from './tracing.js';

export interface SpanOptions {
  kind?: SpanKind;
  /** The parent (default: the active context). */
  parent?: Context;
  links?: Link[];
  /** A new trace, whatever is active. */
  root?: boolean;
}

/**
 * The span's error status, named by the error's code or class only: an error's message may quote
 * what a request or the agent sent, which never goes into a span.
 */
export function markFailed(span: Span, err: unknown): void {
  const e = err as { code?: unknown; name?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : typeof e?.name === 'string' ? e.name : 'error';
  span.setStatus({ code: SpanStatusCode.ERROR, message: code });
  span.setAttribute('error.type', code);
}

/** Notes the job a span is about (the submit and intake spans learn it midway). */
export function noteJob(job: { job_id: string; lane?: string | undefined; status?: string }): void {
  trace.getActiveSpan()?.setAttributes({ job_id: job.job_id, ...(job.lane ? { lane: job.lane } : {}), ...(job.status ? { outcome: job.status } : {}) });
}

/** Runs `fn` inside a span named `name`, active for everything `fn` does, ended when it settles. */
export async function inSpan<T>(name: string, attributes: Attributes, fn: (span: Span | undefined) => Promise<T>, options: SpanOptions = {}): Promise<T> {
  if (!tracingOn()) return fn(undefined);
  const spanOptions = { attributes, kind: options.kind ?? SpanKind.INTERNAL, root: options.root ?? false, ...(options.links ? { links: options.links } : {}) };
  const run = async (span: Span) => {
    try {
      return await fn(span);
    } catch (err) {
      markFailed(span, err);
      throw err;
    } finally {
      span.end();
    }
  };
  return options.parent ? tracer().startActiveSpan(name, spanOptions, options.parent, run) : tracer().startActiveSpan(name, spanOptions, run);
}

/** Options of a span that starts a job's own trace (one trace per job), linked to the trace the request came in with. */
export function jobRootOptions(kind: SpanKind, incoming?: string): SpanOptions {
  const sc = parseTraceparent(incoming);
  return { kind, root: true, ...(sc ? { links: [{ context: sc }] } : {}) };
}
