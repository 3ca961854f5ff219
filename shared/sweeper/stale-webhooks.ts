// Rule: a terminal job whose webhook is still `pending` WEBHOOK_RESEND_AFTER_MS after its result went
// out gets its codex-results message again. The first one reached no final outcome: dead-lettered
// after 5 failed notifier deliveries (terraform/subscriptions.json, policy "other"), or acked by a
// notifier that never recorded it. A duplicate is safe: the notifier's webhook_deliveries claim
// mirrors a final outcome on the job, answers 503 under a live lease, and continues an expired one.
// The claim moves result_sent_at to now first, so a job gets one resend per WEBHOOK_RESEND_AFTER_MS
// and a concurrent sweep sends nothing; a failed publish puts the mark back for the next sweep.
import { resultMessageFromJob } from '../jobs/result-message.js';
import { actOnEach, type SweepDeps, type SweepRule } from './sweep-deps.js';

export const staleWebhooksRule: SweepRule = {
  name: 'stale_webhook',
  async run(deps: SweepDeps, now: Date) {
    const sentBefore = new Date(now.getTime() - deps.config.WEBHOOK_RESEND_AFTER_MS);
    const candidates = await deps.recovery.staleWebhooks(sentBefore, deps.config.SWEEP_BATCH);
    return actOnEach(deps, 'stale_webhook', candidates, async ({ job }) => {
      const claim = await deps.recovery.claimWebhookResend(job.job_id, sentBefore, now);
      if (!claim) return false;
      try {
        // The message the processor publishes (publish-result.ts), built from the job as re-read.
        await deps.queue.publishResult(resultMessageFromJob(claim.job));
      } catch (err) {
        await deps.recovery.releaseWebhookResend(job.job_id, now, claim.previous_sent_at).catch(() => undefined);
        throw err;
      }
      deps.log.warn('pending webhook: result republished', {
        job_id: job.job_id,
        status: claim.job.status,
        rule: 'stale_webhook',
        by: 'sweeper',
        result_sent_at: claim.previous_sent_at,
        callback_attempts: claim.job.callback?.attempts,
      });
      return true;
    });
  },
};
