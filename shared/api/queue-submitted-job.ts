// The submit guarantee of POST /jobs. The document is written first, then the message published:
// - 202/200: the document exists and its message went out (or a processor already has the job);
// - 503 with nothing made: the create failed and the job is confirmed absent (the Idempotency-Key may
//   then be released, since no message can exist);
// - 503 after the document was written: with an Idempotency-Key the job stays queued and due for a
//   republish (a retry with the key, or the sweeper, sends it) and the key is kept; without one, the
//   job is ended `failed` (internal) before any processor can run it — unless one already does, in
//   which case the publish did go out and the answer is 202.
import type { JobDocument } from '../jobs/job-document.js';
import { noteJob } from '../telemetry/spans.js';
import { withJobTrace } from '../telemetry/trace-context.js';
import { messageFromJob } from '../jobs/job-message.js';
import type { Logger } from '../logging.js';
import { publishResultOnce } from '../processor/publish-result.js';
import type { RecoveryAction } from '../store/recovery-store.js';
import { nextRequeueAt, requeueDue } from '../sweeper/requeue-backoff.js';
import type { ApiDeps } from './api-deps.js';
import { ApiError } from './api-error.js';

/** A 503 of the submit path; `nothingMade` says whether the Idempotency-Key may be released. */
export class SubmitUnavailable extends ApiError {
  constructor(readonly nothingMade: boolean) {
    super('unavailable', 'the job could not be queued; retry shortly', undefined, { 'retry-after': '1' });
  }
}

export interface SubmitContext {
  deps: Pick<ApiDeps, 'store' | 'queue' | 'recovery'>;
  log: Logger;
}

export async function queueSubmittedJob(ctx: SubmitContext, submitted: JobDocument, idempotent: boolean): Promise<void> {
  const { store, queue, recovery } = ctx.deps;
  const job = withJobTrace(submitted); // the submit span's trace (telemetry/trace-context.ts)
  noteJob(job);
  try {
    await store.create(job);
  } catch (err) {
    // The outcome of a failed create is not always known: look before deciding what was made.
    const found = await store.get(job.job_id).catch(() => undefined);
    ctx.log.error('could not write the job document', { job_id: job.job_id, error: err as Error, document: found === undefined ? 'unknown' : found ? 'exists' : 'absent' });
    if (!found) throw new SubmitUnavailable(found === null);
  }
  try {
    await queue.publishJob(messageFromJob(job));
  } catch (err) {
    ctx.log.error('could not publish the job message', { job_id: job.job_id, error: err as Error, idempotent });
    if (idempotent) {
      await recovery.markUnsent(job.job_id).catch(() => undefined);
      throw new SubmitUnavailable(false);
    }
    if (!(await withdraw(ctx, job.job_id))) return; // a processor has it: the message did go out
    throw new SubmitUnavailable(false);
  }
}

/** Ends a queued job whose submitter is told 503; false when a processor already took it (it runs). */
async function withdraw(ctx: SubmitContext, jobId: string): Promise<boolean> {
  const decide = ({ job }: { job: JobDocument }): RecoveryAction =>
    job.status === 'queued'
      ? { action: 'end', to: 'failed', error: { code: 'internal', message: 'the job message could not be published; the submitter was answered 503 and the job never ran' } }
      : { action: 'skip', reason: job.status };
  try {
    const settled = await ctx.deps.recovery.settle(jobId, decide);
    if (!settled) return true;
    if (settled.action.action !== 'end') return settled.job.status !== 'processing' && settled.job.status !== 'completed';
    await publishResultOnce(ctx.deps.store, ctx.deps.queue, settled.job).catch(() => undefined);
    return true;
  } catch (err) {
    // Firestore is down too: the document stays queued and the sweeper republishes it.
    ctx.log.error('could not withdraw the unpublished job', { job_id: jobId, error: err as Error });
    return true;
  }
}

/** A replay of a queued job whose first publish may have failed: publish it again when it is due. */
export async function resendIfUnsent(ctx: SubmitContext, jobId: string, now = new Date()): Promise<void> {
  const settled = await ctx.deps.recovery.settle(jobId, ({ job, marks }) =>
    job.status === 'queued' && requeueDue(marks.requeue_at, now) ? { action: 'requeue', next_requeue_at: nextRequeueAt(now, marks.requeues + 1) } : { action: 'skip', reason: 'not due' },
  );
  if (!settled || settled.action.action !== 'requeue') return;
  try {
    await ctx.deps.queue.publishJob(messageFromJob(settled.job));
  } catch (err) {
    await ctx.deps.recovery.markUnsent(jobId).catch(() => undefined);
    ctx.log.error('could not publish the job message on replay', { job_id: jobId, error: err as Error });
    throw new SubmitUnavailable(false);
  }
}
