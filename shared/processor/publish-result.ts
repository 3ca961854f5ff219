// One codex-results message per terminal job, even when its message is delivered again; and none
// lost when a sender dies between the terminal write and the publish (the marks: store/result-marks.ts).
import { resultMessageFromJob } from '../jobs/result-message.js';
import type { JobDocument } from '../jobs/job-document.js';
import type { Logger } from '../logging.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { JobStore } from '../store/job-store.js';

export type ResultMarkStore = Pick<JobStore, 'reserveResult' | 'releaseResult' | 'confirmResultSent'>;

/**
 * Publishes the job's result when it is owed and nobody holds it; false when it was sent or another
 * sender holds it. The message is built from the document as re-read in the reservation.
 */
export async function publishResultOnce(store: ResultMarkStore, queue: Pick<JobQueue, 'publishResult'>, job: Pick<JobDocument, 'job_id'>, now?: Date): Promise<boolean> {
  const reserved = await store.reserveResult(job.job_id, now);
  if (!reserved) return false;
  await publishReservedResult(store, queue, reserved);
  return true;
}

/** Publishes a result the caller has reserved, then confirms it; a failed publish makes it due again at once. */
export async function publishReservedResult(store: Pick<JobStore, 'releaseResult' | 'confirmResultSent'>, queue: Pick<JobQueue, 'publishResult'>, job: JobDocument): Promise<void> {
  try {
    await queue.publishResult(resultMessageFromJob(job));
  } catch (err) {
    await store.releaseResult(job.job_id).catch(() => undefined);
    throw err;
  }
  // The message is out: a lost confirmation only means the sweeper sends it once more after
  // RESULT_RESEND_AFTER_MS, which the notifier delivers once per job anyway. Not worth failing for.
  await store.confirmResultSent(job.job_id).catch(() => undefined);
}

/**
 * Publishes the result of a job whose terminal status this caller has just written (and reserved).
 * Never throws: the outcome is recorded, so a failed publish only leaves the result owed — due again
 * at once, or when the reservation runs out — and a redelivery or the sweeper's unsent-result rule
 * sends it. false when it was not sent.
 */
export async function sendRecordedResult(store: Pick<JobStore, 'releaseResult' | 'confirmResultSent'>, queue: Pick<JobQueue, 'publishResult'>, job: JobDocument, log: Logger): Promise<boolean> {
  try {
    await publishReservedResult(store, queue, job);
    return true;
  } catch (err) {
    log.warn('the result is recorded but its message could not be sent; the sweeper sends it', { job_id: job.job_id, status: job.status, error: err as Error });
    return false;
  }
}
