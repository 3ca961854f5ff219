// Progress writes in order but off the job's critical path: each stage is written after the previous
// one, while the job goes on; settled() waits for them before the terminal status is written.
import type { ProgressStage } from '../jobs/job-document.js';
import type { Logger } from '../logging.js';
import type { JobStore } from '../store/job-store.js';

export interface ProgressWriter {
  set(stage: ProgressStage, message: string): void;
  settled(): Promise<void>;
}

export function progressWriter(store: JobStore, jobId: string, log: Logger): ProgressWriter {
  let chain: Promise<void> = Promise.resolve();
  return {
    set(stage, message) {
      chain = chain.then(() => store.setProgress(jobId, stage, message)).catch((err: Error) => log.warn('could not record progress', { job_id: jobId, stage, error: err }));
    },
    settled: () => chain,
  };
}
