// One codex-results message per terminal job, even when its message is delivered again.
import { resultMessageFromJob } from '../jobs/result-message.js';
import type { JobDocument } from '../jobs/job-document.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { JobStore } from '../store/job-store.js';

export async function publishResultOnce(store: Pick<JobStore, 'markResultPublished' | 'unmarkResultPublished'>, queue: Pick<JobQueue, 'publishResult'>, job: JobDocument): Promise<boolean> {
  if (!(await store.markResultPublished(job.job_id))) return false;
  await publishReservedResult(store, queue, job);
  return true;
}

/** Publishes a result already marked as published; a failed publish clears the mark so a redelivery retries it. */
export async function publishReservedResult(store: Pick<JobStore, 'unmarkResultPublished'>, queue: Pick<JobQueue, 'publishResult'>, job: JobDocument): Promise<void> {
  try {
    await queue.publishResult(resultMessageFromJob(job));
  } catch (err) {
    await store.unmarkResultPublished(job.job_id).catch(() => undefined);
    throw err;
  }
}
