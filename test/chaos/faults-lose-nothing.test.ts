// The chaos suite's short pass: a few jobs through the whole local stack on both push lanes, with
// sessions and webhooks, while processors are SIGKILLed, every job message is delivered 3 times,
// the webhook receiver is down and the emulators' connections are dropped. Nothing may be lost,
// stuck or done twice. Outcomes only: no assertion looks at a clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatReport } from '../../bench/chaos/chaos-report.js';
import { runChaos } from '../../bench/chaos/chaos-run.js';
import { requireEmulators } from '../support/test-env.js';

test('under kills, triple delivery, a down receiver and dropped emulator connections: 0 lost, 0 stuck, 0 duplicated effects', { timeout: 1_800_000 }, async (t) => {
  const report = await runChaos({
    jobs: 14,
    sessions: 2,
    sessionJobs: 3,
    kills: 2,
    copies: 3,
    proxyOutages: 1,
    processorConcurrency: 2,
    emulators: requireEmulators(),
  });
  t.diagnostic(`\n${formatReport(report)}`);

  // The faults really happened.
  assert.equal(report.faults.processorKills, 2);
  assert.equal(report.faults.proxyOutages, 1);
  assert.ok(report.faults.proxySocketsDropped > 0, 'the outage cut open connections');
  assert.equal(report.faults.receiverDowntimes, 1);
  assert.ok(report.faults.jobMessageCopies >= 2 * report.total, 'every job message went out 3 times');

  // Nothing lost or stuck: every accepted job ended, with its result and its webhook.
  assert.equal(report.submitRefused, 0);
  assert.deepEqual(report.lost, []);
  assert.deepEqual(report.stuck, []);
  assert.equal(report.terminal, 14);
  assert.equal(report.resultsPerJob['0'], undefined, 'every job published its result');
  assert.deepEqual(report.jobsWithoutWebhook, []);

  // Nothing done twice: one Codex run per claim, one result per job (redeliveries carry the same one).
  assert.deepEqual(report.duplicateRuns, []);
  assert.deepEqual(report.differingResults, []);
  assert.deepEqual(report.differingWebhooks, []);
  assert.deepEqual(report.sessionOrderViolations, []);
});
