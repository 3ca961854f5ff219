// The fields of the one `job completed|failed|cancelled` line a processor or the worker logs when it
// records a job's terminal state. terraform/monitoring.tf builds its log-based metrics on exactly
// these names (jobs by status and lane, job and setup durations, tokens and cost by owner), so a field
// renamed here must be renamed there (test/unit/terraform/log-metrics-match-the-logs.test.ts checks).
// Never prompt text, messages or secrets: ids, names, numbers.
import type { JobDocument } from '../jobs/job-document.js';
import type { LogFields } from '../logging.js';

/** The message of the line: `job completed`, `job failed` or `job cancelled`. */
export function jobFinishedMessage(job: Pick<JobDocument, 'status'>): string {
  return `job ${job.status}`;
}

export function jobFinishedFields(job: JobDocument): LogFields {
  const usage = job.result?.usage;
  return {
    job_id: job.job_id,
    status: job.status,
    lane: job.lane,
    owner: job.owner,
    source: job.source,
    attempts: job.attempts,
    error_code: job.error?.code,
    execution_time_ms: job.result?.execution_time_ms,
    setup_duration_ms: job.result?.setup?.duration_ms,
    total_tokens: usage?.total_tokens,
    input_tokens: usage?.input_tokens,
    output_tokens: usage?.output_tokens,
    cost_usd: usage?.cost_usd,
  };
}
