// One valid JobSpec for tests (what a submit makes of a request): alice's normal-priority http job
// with a fresh id, made now. Each test overrides the fields it is about.
import type { JobSpec } from '../../shared/jobs/job-document.js';
import { newJobId } from '../../shared/jobs/job-id.js';

export function jobSpec(overrides: Partial<JobSpec> = {}): JobSpec {
  return {
    job_id: newJobId(),
    owner: 'alice',
    prompt: 'write result.md',
    timeout_ms: 30_000,
    priority: 'normal',
    metadata: {},
    callback_url: null,
    session_id: null,
    output_schema: null,
    max_total_tokens: null,
    source: 'http',
    source_ref: null,
    created_at: new Date().toISOString(),
    ...overrides,
  };
}
