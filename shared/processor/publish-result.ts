// One codex-results message per terminal job, even when its message is delivered again.
import { resultMessageFromJob } from '../jobs/result-message.js';
import type { JobDocument } from '../jobs/job-document.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { JobStore } from '../store/job-store.js';

export async function publishResultOnce(store: JobStore, queue: JobQueue, job: JobDocument): Promise<boolean> {
  if (!(await store.markResultPublished(job.job_id))) return false;
  try {
    await queue.publishResult(resultMessageFromJob(job));
    return true;
  } catch (err) {
    await store.unmarkResultPublished(job.job_id).catch(() => undefined);
    throw err;
  }
}
