// The span a job's trace starts with in storage-trigger and scheduler: `job.intake` (kind consumer),
// one new trace per job (an archive's prompts are one trace each). A repeated event finds the job
// made before: its message still carries the job's first trace (trace-context.ts traceAttributes).
import { SpanKind } from '@opentelemetry/api';
import type { JobDocument, JobSpec } from '../jobs/job-document.js';
import { inSpan, jobRootOptions, noteJob } from './spans.js';
import { withJobTrace } from './trace-context.js';

export function inIntakeSpan<T extends { job: JobDocument; created: boolean }>(spec: JobSpec, fn: (spec: JobSpec) => Promise<T>): Promise<T> {
  return inSpan(
    'job.intake',
    { job_id: spec.job_id, 'job.source': spec.source, ...(spec.lane ? { lane: spec.lane } : {}) },
    async (span) => {
      const outcome = await fn(withJobTrace(spec));
      noteJob(outcome.job);
      span?.setAttribute('job.created', outcome.created);
      return outcome;
    },
    jobRootOptions(SpanKind.CONSUMER),
  );
}
