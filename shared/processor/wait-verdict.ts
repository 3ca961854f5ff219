// How a delivery of a job that must wait (ClaimOutcome `waiting`) is answered: for a redelivery, never
// acked, and without counting an attempt: the claim wrote nothing. Push lanes answer 429 with
// Retry-After (Pub/Sub retries with the subscription's backoff, 10–600 s); the long lane nacks (the
// same backoff, from its retry policy). One exception keeps a session from deadlocking: a job waiting
// behind an earlier job that is still queued on the same lane. Both messages carry the session's
// ordering key on one topic, so if this one was published first (two submits racing), Pub/Sub holds
// the earlier job's message back until this one is acked, and a retry would wait for ever. There this
// delivery is acked and the job handed to the sweeper, due at once: the earlier job's message is
// delivered, and the next sweep (within a minute) publishes this job's again, behind it.
import type { JobDocument } from '../jobs/job-document.js';
import type { Logger } from '../logging.js';
import type { PushOutcome } from '../pubsub/push-handler.js';
import type { JobWait } from '../store/job-store.js';
import type { ProcessorDeps } from './run-claimed-job.js';

/** Retry-After of a waiting delivery: a hint only (Pub/Sub push applies its own backoff). */
export const WAIT_RETRY_AFTER_SECONDS = 10;

export async function waitVerdict(deps: ProcessorDeps, job: JobDocument, wait: JobWait, log: Logger): Promise<PushOutcome> {
  if (wait.reason === 'concurrent_jobs') {
    // The owner's concurrent_jobs quota: kept for redelivery until one of its running jobs ends.
    log.info('job waits: its owner already runs its concurrent_jobs quota; kept for redelivery', { job_id: job.job_id, limit: wait.limit, running: wait.running });
    return {
      ack: false,
      status: 429,
      reason: 'waiting',
      message: `the owner already runs ${wait.running.length} job(s), its concurrent_jobs quota of ${wait.limit}; deliver again later`,
      retryAfterSeconds: WAIT_RETRY_AFTER_SECONDS,
    };
  }
  const { earlier } = wait;
  // Only for a job whose document exists and is queued: an acked message must leave a job the sweeper can find.
  if (earlier.status === 'queued' && earlier.lane === job.lane && (await deps.store.requeueAt(job.job_id, new Date()))) {
    log.info('job waits behind an earlier queued job of its session on its lane; acked and left for the next sweep to republish', { job_id: job.job_id, earlier_job_id: earlier.job_id });
    return { ack: true, reason: 'requeued-behind' };
  }
  log.info('job waits for an earlier job of its session to end; kept for redelivery', { job_id: job.job_id, wait: wait.reason, earlier_job_id: earlier.job_id, earlier_status: earlier.status, earlier_lane: earlier.lane });
  return {
    ack: false,
    status: 429,
    reason: 'waiting',
    message: `an earlier job of this session (${earlier.job_id}, ${earlier.status}) has not ended; deliver again later`,
    retryAfterSeconds: WAIT_RETRY_AFTER_SECONDS,
  };
}
