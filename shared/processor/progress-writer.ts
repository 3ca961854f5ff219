// Progress writes in order but off the job's critical path: each stage is written after the previous
// one, while the job goes on; settled() waits for them before the terminal status is written.
import type { ProgressStage } from '../jobs/job-document.js';
import type { Logger } from '../logging.js';
import { NotHolderError, type HolderFence, type JobStore } from '../store/job-store.js';

export interface ProgressWriter {
  set(stage: ProgressStage, message: string): void;
  settled(): Promise<void>;
}

/** With a fence, progress is written only while this run holds the job (a refused write stops the rest). */
export function progressWriter(store: JobStore, jobId: string, log: Logger, fence?: HolderFence): ProgressWriter {
  let chain: Promise<void> = Promise.resolve();
  let refused = false;
  return {
    set(stage, message) {
      chain = chain
        .then(() => (refused ? undefined : store.setProgress(jobId, stage, message, undefined, fence)))
        .catch((err: Error) => {
          if (err instanceof NotHolderError) refused = true;
          else log.warn('could not record progress', { job_id: jobId, stage, error: err });
        });
    },
    settled: () => chain,
  };
}
