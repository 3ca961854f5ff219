// The job queue: where producers put jobs and where the processor announces terminal results.
import type { JobMessage } from '../jobs/job-message.js';
import type { ResultMessage } from '../jobs/result-message.js';

export interface JobQueue {
  /** Publishes to codex-jobs or codex-jobs-priority by priority; session jobs carry the ordering key. */
  publishJob(message: JobMessage): Promise<string>;
  /** One message per terminal job on codex-results. */
  publishResult(result: ResultMessage): Promise<string>;
  close(): Promise<void>;
}
