// Rule: a `processing` job whose lease expired (its holder died) gets its message republished, so a
// processor takes it over (attempts+1) — or ends it, which the unrunnable rule does first when it can.
import { messageFromJob } from '../jobs/job-message.js';
import type { RecoveryAction, RecoveryCandidate } from '../store/recovery-store.js';
import { nextRequeueAt, requeueDue } from './requeue-backoff.js';
import { actOnEach, type SweepDeps, type SweepRule } from './sweep-deps.js';
import { jobLogFields } from '../telemetry/trace-context.js';

export function expiredLeaseAction({ job, marks }: RecoveryCandidate, now: Date): RecoveryAction {
  if (job.status !== 'processing') return { action: 'skip', reason: job.status };
  if (job.lease && Date.parse(job.lease.expires_at) > now.getTime()) return { action: 'skip', reason: 'lease renewed' };
  if (!requeueDue(marks.requeue_at, now)) return { action: 'skip', reason: 'republished recently' };
  return { action: 'requeue', next_requeue_at: nextRequeueAt(now, marks.requeues + 1) };
}

export const expiredLeasesRule: SweepRule = {
  name: 'expired_lease',
  async run(deps: SweepDeps, now: Date) {
    const candidates = (await deps.recovery.expiredLeases(now, deps.config.SWEEP_BATCH)).filter((c) => expiredLeaseAction(c, now).action === 'requeue');
    return actOnEach(deps, 'expired_lease', candidates, async ({ job }) => republish(deps, job.job_id, (c) => expiredLeaseAction(c, now)));
  },
};

/** Records the republish in the job's transaction, then publishes; a failed publish makes it due again at once. */
export async function republish(deps: SweepDeps, jobId: string, decide: (c: RecoveryCandidate) => RecoveryAction): Promise<boolean> {
  const settled = await deps.recovery.settle(jobId, decide);
  if (!settled || settled.action.action !== 'requeue') return false;
  try {
    await deps.queue.publishJob(messageFromJob(settled.job));
  } catch (err) {
    await deps.recovery.markUnsent(jobId).catch(() => undefined);
    throw err;
  }
  deps.log.info('job message republished', { job_id: jobId, status: settled.job.status, attempts: settled.job.attempts, ...jobLogFields(deps.config.GOOGLE_CLOUD_PROJECT, settled.job) });
  return true;
}
