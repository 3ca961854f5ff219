// One sweep: every rule in turn, each bounded by SWEEP_BATCH, each logging its counts. Rules that end
// jobs run before the ones that republish, so a job about to be ended is not republished first; the
// unsent results come next, after the rules above have sent (and confirmed) the results of the jobs they
// ended; stale webhooks last, once every result owed has gone out.
import { expiredLeasesRule } from './expired-leases.js';
import { hardDeadlineRule } from './hard-deadline.js';
import { staleQueuedRule } from './stale-queued.js';
import { staleWebhooksRule } from './stale-webhooks.js';
import { emptyCounts, type RuleCounts, type SweepDeps, type SweepRule } from './sweep-deps.js';
import { unrunnableRule } from './unrunnable.js';
import { unsentResultsRule } from './unsent-results.js';

export type { SweepDeps, RuleCounts } from './sweep-deps.js';

export const SWEEP_RULES: readonly SweepRule[] = [hardDeadlineRule, unrunnableRule, expiredLeasesRule, staleQueuedRule, unsentResultsRule, staleWebhooksRule];

export interface SweepReport {
  at: string;
  rules: Record<string, RuleCounts>;
}

export async function runSweep(deps: SweepDeps): Promise<SweepReport> {
  const now = (deps.now ?? (() => new Date()))();
  const report: SweepReport = { at: now.toISOString(), rules: {} };
  for (const rule of SWEEP_RULES) {
    let counts: RuleCounts;
    try {
      counts = await rule.run(deps, now);
    } catch (err) {
      // The rule's query failed (Firestore down): the next sweep tries again.
      counts = { ...emptyCounts(), errors: 1 };
      deps.log.error(`sweep rule ${rule.name} could not run`, { rule: rule.name, error: err as Error });
    }
    report.rules[rule.name] = counts;
    deps.log.info(`sweep rule ${rule.name}`, { rule: rule.name, ...counts });
  }
  return report;
}
