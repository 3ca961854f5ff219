// A job message that Pub/Sub gave up on (dead-letter topic): the job is marked failed so that its
// owner sees why, instead of staying queued or processing forever.
import type { JobSpec } from '../jobs/job-document.js';
import { publishResultOnce } from './publish-result.js';
import type { ProcessorDeps } from './run-claimed-job.js';

export async function failDeadLettered(deps: ProcessorDeps, spec: JobSpec, deliveries: number): Promise<void> {
  const job = await deps.store.failDeadLettered(spec, `the job message was dead-lettered after ${deliveries || 'too many'} failed deliveries`, deps.config.JOB_TTL_DAYS);
  deps.log.error('job message dead-lettered', { job_id: spec.job_id, status: job.status });
  if (job.status === 'failed' || job.status === 'completed' || job.status === 'cancelled') await publishResultOnce(deps.store, deps.queue, job);
}
