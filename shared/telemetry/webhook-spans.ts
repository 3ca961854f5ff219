// The notifier's spans: `webhook.deliver` (kind client) per attempt, children of the span that
// published the job's result (the processor's job.finish, or the job's stored parent when the
// sweeper sent it), so every attempt, retries and redeliveries included, joins the job's trace.
import { SpanKind, SpanStatusCode, type Span, type SpanContext } from '@opentelemetry/api';
import type { PubSubMessage } from '../pubsub/pubsub-message.js';
import { tracer, tracingOn } from './tracing.js';
import { contextWithParent, parentSpanContext, traceLogFields } from './trace-context.js';

export class WebhookSpans {
  private readonly parent: SpanContext | undefined;
  private open: Span | undefined;

  constructor(
    private readonly project: string,
    message: PubSubMessage,
    private readonly job: { job_id: string; trace_parent?: string | undefined },
  ) {
    this.parent = parentSpanContext(message.attributes, job.trace_parent);
  }

  /** The log fields of the delivery's lines (the job's trace). */
  logFields(): { trace?: string; spanId?: string } {
    return traceLogFields(this.project, this.parent);
  }

  /** Starts attempt `attempt`'s span when `go` (the claim was renewed); passes `go` on. */
  begin(attempt: number, go: boolean): boolean {
    if (go && tracingOn()) {
      this.open = tracer().startSpan('webhook.deliver', { kind: SpanKind.CLIENT, attributes: { job_id: this.job.job_id, attempt } }, contextWithParent(this.parent));
    }
    return go;
  }

  /** Ends the attempt's span with its verdict (delivered, retry, gone, refused, exhausted) and HTTP status. */
  end(record: { verdict: string; status: number | null }): void {
    const span = this.open;
    this.open = undefined;
    if (!span) return;
    span.setAttributes({ outcome: record.verdict, ...(record.status === null ? {} : { 'http.response.status_code': record.status }) });
    if (record.verdict !== 'delivered') span.setStatus({ code: SpanStatusCode.ERROR, message: record.verdict });
    span.end();
  }
}

