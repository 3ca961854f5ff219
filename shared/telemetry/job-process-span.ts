// The processor's span of one job delivery, `job.process` (kind consumer, service.name of the function):
// a child of the span that queued the message (the submit or intake span, or the job's stored parent
// for a republish), so every attempt and redelivery joins the job's one trace. Its log lines carry the
// trace; its stages (job-stages.ts) are its children.
import { SpanKind, type Span } from '@opentelemetry/api';
import type { JobMessage } from '../jobs/job-message.js';
import type { Logger } from '../logging.js';
import type { PubSubMessage } from '../pubsub/pubsub-message.js';
import type { PushOutcome } from '../pubsub/push-handler.js';
import { JobStages } from './job-stages.js';
import { inSpan } from './spans.js';
import { contextWithParent, parentSpanContext, traceLogFields } from './trace-context.js';

export async function inJobProcessSpan(
  project: string,
  message: PubSubMessage,
  spec: JobMessage,
  log: Logger,
  fn: (stages: JobStages, log: Logger) => Promise<PushOutcome>,
): Promise<PushOutcome> {
  const parent = parentSpanContext(message.attributes, spec.trace_parent);
  const attributes = { job_id: spec.job_id, lane: spec.lane ?? message.attributes.lane ?? 'normal', ...(message.deliveryAttempt ? { 'messaging.delivery_attempt': message.deliveryAttempt } : {}) };
  return inSpan(
    'job.process',
    attributes,
    async (span: Span | undefined) => {
      // With tracing off, the lines still carry the job's trace (and the span that queued it).
      const traced = log.child(traceLogFields(project, span?.spanContext() ?? parent));
      const stages = new JobStages({ job_id: spec.job_id, lane: attributes.lane });
      const verdict = await fn(stages, traced);
      span?.setAttributes({ ...stages.common(), outcome: verdict.reason });
      return verdict;
    },
    { kind: SpanKind.CONSUMER, parent: contextWithParent(parent) },
  );
}
