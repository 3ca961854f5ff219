// What counts against MAX_ATTEMPTS: the claims that ended in a failure to finish (a holder that
// died, a dependency that failed), not the times a shutting-down worker gave the job back (a deploy
// or a scale-in: SIGTERM past WORKER_GRACE_MS). `attempts` counts every claim; `given_back` counts
// the give-backs among them. At most GIVE_BACKS_FORGIVEN are forgiven, so a job on workers that
// never stop being replaced still ends.
import type { JobDocument } from './job-document.js';

export const GIVE_BACKS_FORGIVEN = 10;

export function countedAttempts(job: Pick<JobDocument, 'attempts' | 'given_back'>): number {
  return job.attempts - Math.min(job.given_back ?? 0, GIVE_BACKS_FORGIVEN);
}
