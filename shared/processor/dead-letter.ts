// A job message that Pub/Sub gave up on (dead-letter topic): the job is marked failed so that its
// owner sees why, instead of staying queued or processing forever. A job a live holder is running is
// left to that holder (the dead letter was a duplicate's). A job still waiting behind an earlier job
// of its session has not failed (its 429s used up the delivery attempts: a long session can take
// more than the ~15 h of 100 backed-off attempts): it stays queued, due for the sweeper's
// stale_queued republish at once (a fresh message, a fresh count). It still ends: its session's earlier jobs end (each has a hard deadline), and a job queued
// for 7 days fails (the sweeper's unrunnable rule). The dead letter is acked in every case.
import type { JobSpec } from '../jobs/job-document.js';
import { publishResultOnce } from './publish-result.js';
import type { ProcessorDeps } from './run-claimed-job.js';

/** What happened to the job, as the delivery's verdict reason. */
export async function failDeadLettered(deps: ProcessorDeps, spec: JobSpec, deliveries: number): Promise<string> {
  const job = await deps.store.failDeadLettered(spec, `the job message was dead-lettered after ${deliveries || 'too many'} failed deliveries`, deps.config.JOB_TTL_DAYS);
  if (job.status === 'processing' && job.lease && Date.parse(job.lease.expires_at) > Date.now()) {
    deps.log.warn('job message dead-lettered while a live holder runs the job; left to that holder', { job_id: spec.job_id, holder: job.lease?.holder });
    return 'dead-lettered';
  }
  if (job.status === 'queued' || job.status === 'processing') {
    deps.log.warn('job message dead-lettered while the job waits its turn in its session; left queued for the next sweep to republish', { job_id: spec.job_id, status: job.status });
    return 'dead-lettered-requeued';
  }
  deps.log.error('job message dead-lettered', { job_id: spec.job_id, status: job.status });
  await publishResultOnce(deps.store, deps.queue, job);
  return 'dead-lettered';
}
