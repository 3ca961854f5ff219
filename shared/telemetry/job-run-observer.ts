// A hook around one claimed run, for whoever counts runs (the worker's Prometheus metrics): told when
// a delivery has claimed its job and is about to run it, and once how that run ended. Kept free of any
// metrics library, so the processor core that calls it loads nothing more.
import type { JobDocument } from '../jobs/job-document.js';
import type { RunOptions } from '../processor/run-claimed-job.js';

/** How a claimed run ended: the job's terminal status, or why this run recorded none. */
export type RunOutcome = 'completed' | 'failed' | 'cancelled' | 'lease_lost' | 'given_back' | 'error';

export interface JobRunObserver {
  /** The job is claimed and starts running; the returned function is called once, when the run ends. */
  started(job: JobDocument): (outcome: RunOutcome) => void;
}

/** Runs `run` (runClaimedJob) between the observer's two calls; without an observer, just runs it. */
export async function observedRun(observer: JobRunObserver | undefined, job: JobDocument, options: RunOptions, run: () => Promise<JobDocument | null>): Promise<JobDocument | null> {
  if (!observer) return run();
  const ended = observer.started(job);
  let done: JobDocument | null;
  try {
    done = await run();
  } catch (err) {
    ended('error');
    throw err;
  }
  // null: this run recorded nothing, because the worker gave the job back or its lease was lost.
  ended(done ? (done.status as RunOutcome) : options.relinquish?.aborted ? 'given_back' : 'lease_lost');
  return done;
}
