// A job message that Pub/Sub gave up on (dead-letter topic): the job is marked failed so that its
// owner sees why, instead of staying queued or processing forever. A job a live holder is running is
// left to that holder (the dead letter was a duplicate's); the dead letter is acked either way.
import type { JobSpec } from '../jobs/job-document.js';
import { publishResultOnce } from './publish-result.js';
import type { ProcessorDeps } from './run-claimed-job.js';

export async function failDeadLettered(deps: ProcessorDeps, spec: JobSpec, deliveries: number): Promise<void> {
  const job = await deps.store.failDeadLettered(spec, `the job message was dead-lettered after ${deliveries || 'too many'} failed deliveries`, deps.config.JOB_TTL_DAYS);
  if (job.status === 'processing') {
    deps.log.warn('job message dead-lettered while a live holder runs the job; left to that holder', { job_id: spec.job_id, holder: job.lease?.holder });
    return;
  }
  deps.log.error('job message dead-lettered', { job_id: spec.job_id, status: job.status });
  if (job.status === 'failed' || job.status === 'completed' || job.status === 'cancelled') await publishResultOnce(deps.store, deps.queue, job);
}
