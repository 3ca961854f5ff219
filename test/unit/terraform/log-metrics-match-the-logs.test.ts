// The log-based metrics of terraform/log-metrics.tf read fields of log lines the code really writes:
// the job-finished line (shared/telemetry/job-finished-log.ts, logged through the real logger), the
// notifier's webhook failures and the sweeper's per-rule counts. A renamed field or message would
// leave a dashboard chart or the failure-ratio alert silently empty.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { newJobDocument, type JobDocument } from '../../../shared/jobs/job-document.js';
import { createLogger } from '../../../shared/logging.js';
import { jobFinishedFields, jobFinishedMessage } from '../../../shared/telemetry/job-finished-log.js';
import { jobSpec } from '../../support/job-spec.js';
import { loadTerraform, repoRoot, type TerraformConfig } from './terraform-config.js';

interface LogMetric {
  filter: string;
  value: string | null;
  labels: Record<string, [string, string]>;
}

/** One job as a processor records it at its end: completed, on the long lane, with setup, usage and cost. */
function finishedJob(status: 'completed' | 'failed' | 'cancelled'): JobDocument {
  const job = newJobDocument(jobSpec({ owner: 'team-a', prompt: 'SECRET PROMPT TEXT', lane: 'long' }), 30);
  return {
    ...job,
    status,
    attempts: 1,
    error: status === 'failed' ? { code: 'timeout', message: 'the job ran past its timeout_ms' } : null,
    result: {
      exit_code: 0,
      final_message: 'FINAL MESSAGE TEXT',
      stdout: '',
      stderr: '',
      execution_time_ms: 4321,
      output_files: [],
      created_files: [],
      usage: { input_tokens: 100, cached_input_tokens: 10, output_tokens: 20, reasoning_output_tokens: 5, total_tokens: 120, cost_usd: 0.0012 },
      thread_id: 'thread-1',
      setup: { cache: 'miss', exit_code: 0, duration_ms: 987 },
    },
  };
}

/** The line exactly as the logger writes it. */
function loggedLine(job: JobDocument): Record<string, unknown> {
  const lines: string[] = [];
  createLogger('INFO', { component: 'processor' }, (l) => lines.push(l)).info(jobFinishedMessage(job), jobFinishedFields(job));
  assert.equal(lines.length, 1);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

const fieldsOf = (text: string) => [...text.matchAll(/jsonPayload\.([a-z_]+)/g)].map((m) => m[1]!);
const source = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');

describe('log-based metrics and the lines they read', () => {
  let tf: TerraformConfig;
  let metrics: Record<string, LogMetric>;
  let jobFinished: string;
  before(async () => {
    tf = await loadTerraform();
    metrics = tf.locals.log_metrics as Record<string, LogMetric>;
    jobFinished = String(tf.locals.job_finished);
  });

  it('every field a job metric reads is on the job-finished line, for every terminal status', () => {
    const jobMetrics = Object.entries(metrics).filter(([, m]) => m.filter.includes('${local.job_finished}'));
    assert.deepEqual(jobMetrics.map(([name]) => name).sort(), ['finished_jobs', 'job_cost', 'job_duration', 'job_tokens', 'setup_duration']);
    for (const status of ['completed', 'failed', 'cancelled'] as const) {
      const line = loggedLine(finishedJob(status));
      // The shared filter: its message and status alternatives, and the lane it requires.
      assert.ok(jobFinished.includes(`"${line.message as string}"`), `the filter takes the message ${String(line.message)}`);
      assert.ok(jobFinished.includes(`"${status}"`));
      for (const [name, m] of jobMetrics) {
        const read = [...fieldsOf(jobFinished), ...fieldsOf(m.filter), ...(m.value ? [m.value] : []), ...Object.values(m.labels).flatMap(([extractor]) => fieldsOf(extractor))];
        for (const field of read.filter((f) => f !== 'message' && !(f === 'error_code' && status !== 'failed'))) {
          assert.notEqual(line[field], undefined, `${name} reads jsonPayload.${field}, which the ${status} line lacks`);
        }
        if (m.value) assert.equal(typeof line[m.value], 'number', `${name}'s value ${m.value} is a number`);
      }
    }
  });

  it('the line carries the numbers the charts need and no prompt or message text', () => {
    const line = loggedLine(finishedJob('completed'));
    assert.deepEqual(
      { status: line.status, lane: line.lane, owner: line.owner, execution_time_ms: line.execution_time_ms, setup_duration_ms: line.setup_duration_ms, total_tokens: line.total_tokens, cost_usd: line.cost_usd },
      { status: 'completed', lane: 'long', owner: 'team-a', execution_time_ms: 4321, setup_duration_ms: 987, total_tokens: 120, cost_usd: 0.0012 },
    );
    assert.doesNotMatch(JSON.stringify(line), /SECRET PROMPT TEXT|FINAL MESSAGE TEXT/);
  });

  it('webhook failures and sweep counts read lines the notifier and the sweeper write', () => {
    const notify = source('shared/webhooks/notify.ts');
    for (const message of metrics.webhook_failures!.filter.match(/"webhook [^"]+"/g)!) assert.ok(notify.includes(`'${message.slice(1, -1)}'`), `notify.ts logs ${message}`);
    const sweep = source('shared/sweeper/run-sweep.ts');
    assert.match(sweep, /deps\.log\.info\(`sweep rule \$\{rule\.name\}`, \{ rule: rule\.name, \.\.\.counts \}\)/);
    assert.match(source('shared/sweeper/sweep-deps.ts'), /return \{ examined: 0, acted: 0, skipped: 0, errors: 0 \}/);
    assert.equal(metrics.sweep_actions!.value, 'acted');
    assert.deepEqual(fieldsOf(metrics.sweep_actions!.labels.rule![0]), ['rule']);
  });
});
