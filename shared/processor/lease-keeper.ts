// Keeps a claimed job's lease alive while it runs, and says when the job stopped being ours: either
// another holder took it (renewal refused), or no renewal succeeded in time. In the second case the
// lease may run out and another processor may take the job over, so the run must stop itself first:
// two runners never work on one job. Renewal starts every third of the lease; the run is called lost
// when a sixth of the lease is left without a renewal (that sixth is its time to end its processes).
import type { Logger } from '../logging.js';
import type { JobStore } from '../store/job-store.js';

export interface LeaseKeeperOptions {
  /** When the claimed lease runs out (the claim's lease.expires_at); default now + leaseMs. */
  expiresAt?: number;
}

export function keepLease(store: JobStore, jobId: string, holder: string, leaseMs: number, onLost: () => void, log: Logger, options: LeaseKeeperOptions = {}): () => void {
  let stopped = false;
  let lost = false;
  let expiresAt = options.expiresAt ?? Date.now() + leaseMs;
  let renewing = false;
  const margin = Math.floor(leaseMs / 6);
  const lose = (why: string) => {
    if (stopped || lost) return;
    lost = true;
    log.warn(`lease lost: ${why}; stopping this run`, { job_id: jobId });
    onLost();
  };
  const renew = () => {
    if (renewing) return; // a slow renewal is not stacked; the deadline check below still runs
    renewing = true;
    const startedAt = Date.now(); // the new lease counts from the request, not from its answer
    store.renewLease(jobId, holder, leaseMs).then(
      (ok) => {
        renewing = false;
        if (ok) expiresAt = Math.max(expiresAt, startedAt + leaseMs);
        else lose('another holder owns the job now, or it ended');
      },
      (err: Error) => {
        renewing = false;
        log.warn('lease renewal failed; will retry', { job_id: jobId, error: err });
      },
    );
  };
  const period = Math.max(250, Math.floor(leaseMs / 3));
  const renewTimer = setInterval(renew, period);
  const check = () => {
    if (Date.now() >= expiresAt - margin) lose(`no renewal succeeded within the lease (${leaseMs} ms)`);
  };
  const checkTimer = setInterval(check, Math.max(100, Math.floor(margin / 2)));
  renewTimer.unref();
  checkTimer.unref();
  return () => {
    stopped = true;
    clearInterval(renewTimer);
    clearInterval(checkTimer);
  };
}
