// What every sweep rule gets, what it reports, and the loop that acts on candidates one by one
// (a failure on one job is counted and logged, never the end of the sweep).
import type { Config } from '../config.js';
import type { JobDocument } from '../jobs/job-document.js';
import type { Logger } from '../logging.js';
import type { ResultMarkStore } from '../processor/publish-result.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { RecoveryCandidate, RecoveryStore } from '../store/recovery-store.js';
import { jobLogFields } from '../telemetry/trace-context.js';

export interface SweepDeps {
  recovery: RecoveryStore;
  /** Only the result marks (one codex-results message per terminal job, none lost). */
  store: ResultMarkStore;
  queue: Pick<JobQueue, 'publishJob' | 'publishResult'>;
  config: Pick<Config, 'SWEEP_BATCH' | 'JOB_LEASE_MS' | 'MAX_ATTEMPTS' | 'WEBHOOK_RESEND_AFTER_MS'> & Partial<Pick<Config, 'GOOGLE_CLOUD_PROJECT'>>;
  log: Logger;
  /** The sweep's clock (tests move it); default: the wall clock. */
  now?: () => Date;
}

export interface RuleCounts {
  /** Candidates the rule's query returned. */
  examined: number;
  /** Jobs republished or ended. */
  acted: number;
  /** Candidates that no longer qualified when re-read in their transaction. */
  skipped: number;
  errors: number;
}

export interface SweepRule {
  name: string;
  run(deps: SweepDeps, now: Date): Promise<RuleCounts>;
}

export function emptyCounts(): RuleCounts {
  return { examined: 0, acted: 0, skipped: 0, errors: 0 };
}

/** Runs `act` on each candidate in turn; act answers whether it did something. */
export async function actOnEach(
  deps: SweepDeps,
  rule: string,
  candidates: RecoveryCandidate[],
  act: (candidate: RecoveryCandidate) => Promise<boolean>,
  counts: RuleCounts = emptyCounts(),
): Promise<RuleCounts> {
  for (const candidate of candidates) {
    counts.examined++;
    try {
      if (await act(candidate)) counts.acted++;
      else counts.skipped++;
    } catch (err) {
      counts.errors++;
      deps.log.error(`sweep rule ${rule} failed on a job`, { job_id: candidate.job.job_id, rule, error: err as Error });
    }
  }
  return counts;
}

/** A job the sweep ended: logged like every terminal job, so dashboards count it. */
export function logEnded(deps: SweepDeps, rule: string, job: JobDocument): void {
  deps.log.warn(`job ${job.status}`, { job_id: job.job_id, status: job.status, rule, error_code: job.error?.code, by: 'sweeper', ...jobLogFields(deps.config.GOOGLE_CLOUD_PROJECT, job) });
}
