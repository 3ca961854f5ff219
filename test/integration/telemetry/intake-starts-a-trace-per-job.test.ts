// The scheduler's and storage-trigger's jobs start their own trace (job.intake, shared/telemetry/
// intake-span.ts): this process traces over OTLP/HTTP JSON to a receiver on 127.0.0.1. The document
// keeps the trace, the job's message carries it, and a repeated event keeps the job's first trace.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parseConfig } from '../../../shared/config.js';
import { handleScheduleMessage } from '../../../shared/intake/schedule-message.js';
import type { IntakeDeps } from '../../../shared/intake/intake-jobs.js';
import { createLogger } from '../../../shared/logging.js';
import { PubSubJobQueue } from '../../../shared/queue/pubsub-job-queue.js';
import { FirestoreJobStore } from '../../../shared/store/firestore-job-store.js';
import { flushTraces, startTracing, stopTracing } from '../../../shared/telemetry/tracing.js';
import { startOtlpReceiver, type OtlpReceiver } from '../../support/otlp-receiver.js';
import { collectTopic, eventually, testEnv, type TestEnv } from '../../support/test-env.js';

let env: TestEnv;
let deps: IntakeDeps;
let receiver: OtlpReceiver;
let jobs: Awaited<ReturnType<typeof collectTopic>>;

before(async () => {
  receiver = await startOtlpReceiver();
  // The exporter reads the standard variables itself, as in a function process.
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
  process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json';
  assert.deepEqual(await startTracing('scheduler', parseConfig(process.env)), { kind: 'otlp', protocol: 'http/json' });
  env = await testEnv();
  for (const t of [env.config.PRIORITY_JOBS_TOPIC, env.config.RESULTS_TOPIC, env.config.LONG_JOBS_TOPIC]) await env.pubsub.createTopic(t);
  jobs = await collectTopic(env.pubsub, env.config.JOBS_TOPIC);
  deps = { config: env.config, store: new FirestoreJobStore(env.firestore), queue: new PubSubJobQueue(env.pubsub, env.config), log: createLogger('ERROR') };
});

after(async () => {
  await jobs?.stop();
  await deps?.queue.close();
  await env?.close();
  await stopTracing();
  await receiver?.close();
});

test('a scheduled job starts its own trace at job.intake; its document and message carry it; a repeated message keeps it', async () => {
  const schedule = { messageId: `sched-trace-${Date.now()}`, data: Buffer.from(JSON.stringify({ prompt: 'nightly traced job' })), attributes: { schedule: 'traced-nightly' } };
  const verdict = await handleScheduleMessage(deps, schedule);
  assert.equal(verdict.action, 'queued');
  const job = (await deps.store.get(verdict.jobId!))!;
  await flushTraces();
  const intake = await receiver.waitFor((spans) => spans.find((s) => s.name === 'job.intake' && s.attributes.job_id === job.job_id), 'the job.intake span');
  assert.equal(intake.service, 'scheduler');
  assert.equal(intake.parentSpanId, '', 'the job’s trace starts here');
  assert.deepEqual([intake.attributes['job.source'], intake.attributes.lane, intake.attributes.outcome, intake.attributes['job.created']], ['scheduler', 'normal', 'queued', true]);
  assert.equal(job.trace_id, intake.traceId, 'the document keeps the trace id');
  assert.equal(job.trace_parent, `00-${intake.traceId}-${intake.spanId}-01`);
  const first = await eventually(() => jobs.messages.find((m) => (m.data as { job_id: string }).job_id === job.job_id), 'the job message');
  assert.equal(first.attributes.traceparent, job.trace_parent, 'the message carries the intake span as the parent');

  // The same Cloud Scheduler message again: no second job, and its message still carries the first trace.
  const again = await handleScheduleMessage(deps, schedule);
  assert.equal(again.jobId, job.job_id);
  await flushTraces();
  const repeat = await receiver.waitFor((spans) => spans.find((s) => s.name === 'job.intake' && s.attributes.job_id === job.job_id && s.attributes['job.created'] === false), 'the repeated job.intake span');
  assert.notEqual(repeat.traceId, job.trace_id, 'the repeated event is traced apart');
  const republished = await eventually(() => {
    const mine = jobs.messages.filter((m) => (m.data as { job_id: string }).job_id === job.job_id);
    return mine.length === 2 ? mine[1] : undefined;
  }, 'the job message again');
  assert.equal(republished.attributes.traceparent, job.trace_parent, 'the job stays in its first trace');
  assert.equal((republished.data as { trace_id: string }).trace_id, job.trace_id);
});
