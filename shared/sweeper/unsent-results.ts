// Rule: a terminal job whose codex-results message is owed and due (store/result-marks.ts) gets it
// published now. Its sender died between the terminal write and the publish (a killed processor,
// an API instance gone after a cancel, a sweep cut short), or before confirming the publish, or its
// publish failed and no redelivery came to retry it. Without this rule such a job never has its
// webhook sent. A reservation younger than RESULT_RESEND_AFTER_MS is its sender's: left alone.
import { publishResultOnce } from '../processor/publish-result.js';
import { actOnEach, type SweepDeps, type SweepRule } from './sweep-deps.js';
import { jobLogFields } from '../telemetry/trace-context.js';

export const unsentResultsRule: SweepRule = {
  name: 'unsent_result',
  async run(deps: SweepDeps, now: Date) {
    const candidates = await deps.recovery.unsentResults(now, deps.config.SWEEP_BATCH);
    return actOnEach(deps, 'unsent_result', candidates, async ({ job }) => {
      // Reserved again in its transaction: a sender that got there first, or a concurrent sweep, wins.
      if (!(await publishResultOnce(deps.store, deps.queue, job, now))) return false;
      deps.log.warn('unsent result published', { job_id: job.job_id, status: job.status, rule: 'unsent_result', by: 'sweeper', ...jobLogFields(deps.config.GOOGLE_CLOUD_PROJECT, job) });
      return true;
    });
  },
};
