// Waits on the job document's listener (onSnapshot, not polling) until a condition holds.
import type { JobDocument } from '../jobs/job-document.js';
import type { JobStore } from '../store/job-store.js';

/** The first version of the job that satisfies `done`, or undefined after timeoutMs or on abort. */
export function waitForJob(store: JobStore, jobId: string, done: (job: JobDocument) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<JobDocument | undefined> {
  return new Promise((resolve) => {
    if (timeoutMs <= 0 || signal?.aborted) {
      resolve(undefined);
      return;
    }
    let settled = false;
    const listener: { stop?: () => void } = {};
    const finish = (job: JobDocument | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      listener.stop?.();
      resolve(job);
    };
    const onAbort = () => finish(undefined);
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    signal?.addEventListener('abort', onAbort);
    listener.stop = store.watch(jobId, (job) => {
      if (done(job)) finish(job);
    });
    if (settled) listener.stop();
  });
}

/** An AbortSignal that fires when the client goes away before the answer. */
export function clientGone(res: { writableEnded: boolean; once(event: 'close', cb: () => void): unknown }): AbortSignal {
  const controller = new AbortController();
  // The response's close (not the request's, which fires once the body is read) marks a lost connection.
  res.once('close', () => {
    if (!res.writableEnded) controller.abort();
  });
  return controller.signal;
}
