// Keeps a claimed job's lease alive while it runs, and says when the job stopped being ours.
import type { Logger } from '../logging.js';
import type { JobStore } from '../store/job-store.js';

export function keepLease(store: JobStore, jobId: string, holder: string, leaseMs: number, onLost: () => void, log: Logger): () => void {
  let stopped = false;
  const timer = setInterval(() => {
    store.renewLease(jobId, holder, leaseMs).then(
      (ok) => {
        if (!ok && !stopped) onLost();
      },
      (err: Error) => log.warn('lease renewal failed; will retry', { job_id: jobId, error: err }),
    );
  }, Math.max(250, Math.floor(leaseMs / 3)));
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
