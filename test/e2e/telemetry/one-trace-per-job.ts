// The scenario of the trace tests (one file per OTLP protocol): a job through the local stack (API →
// Pub/Sub emulator → processor with the real codex app-server → codex-results → notifier → a webhook
// that fails once), every function exporting OTLP/HTTP to a receiver this test owns on 127.0.0.1; then
// its message republished as the sweeper does. The spans must make one trace with the contract's names,
// nesting and attributes, and carry no prompt text.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { randomUUID } from 'node:crypto';
import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import { startStack, type Stack } from '../../../dev/stack.js';
import type { JobEvent } from '../../../shared/jobs/job-document.js';
import { messageFromJob } from '../../../shared/jobs/job-message.js';
import { PubSubJobQueue } from '../../../shared/queue/pubsub-job-queue.js';
import { EVENTS_COLLECTION, JOBS_COLLECTION } from '../../../shared/store/firestore-job-store.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../support/otlp-receiver.js';
import { requireEmulators } from '../../support/test-env.js';
import { waitForJob } from '../../support/wait-for-job.js';

const WEBHOOK_SECRET = 'whsec_' + Buffer.from('trace-e2e-webhook-secret-0123456789').toString('base64');
const CLOCK_SLACK_NS = 5_000_000n;
const KIND = { internal: 1, server: 2, client: 3, consumer: 5 } as const;

const byStart = (a: ReceivedSpan, b: ReceivedSpan) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0);

export function oneTracePerJob(protocol: 'http/json' | 'http/protobuf'): void {
  let receiver: OtlpReceiver;
  let hooks: http.Server;
  let stack: Stack;
  let firestore: Firestore;
  let pubsub: PubSub;
  const hookStatuses: number[] = [];

  before(async () => {
    const hosts = requireEmulators();
    receiver = await startOtlpReceiver();
    // The webhook receiver fails the first attempt, so the notifier makes two (two webhook.deliver spans).
    hooks = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const status = hookStatuses.length === 0 ? 503 : 204;
        hookStatuses.push(status);
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', () => r()));
    stack = await startStack({
      ports: 'free',
      projectId: `traces-${Date.now().toString(36)}`,
      emulators: hosts,
      only: ['enqueue', 'processor', 'notifier'],
      worker: false,
      schedules: false,
      sweeps: false,
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        // Batches leave soon after (the push-fed functions also flush before they answer).
        OTEL_BSP_SCHEDULE_DELAY: '100',
        WEBHOOK_SECRET,
        WEBHOOK_RETRY_DELAYS: '200',
        LOG_LEVEL: 'WARNING',
      },
    });
    firestore = new Firestore({ projectId: stack.config.GOOGLE_CLOUD_PROJECT });
    pubsub = new PubSub({ projectId: stack.config.GOOGLE_CLOUD_PROJECT });
  });

  after(async () => {
    await stack?.stop();
    await Promise.allSettled([firestore?.terminate(), pubsub?.close()]);
    await new Promise<void>((r) => (hooks ? hooks.close(() => r()) : r()));
    await receiver?.close();
  });

  test(`${protocol}: one trace from POST /jobs through the processor to each webhook attempt, and a redelivery joins it`, async () => {
    const secretText = `prompt-text-never-in-a-span-${randomUUID()}`;
    const res = await fetch(`${stack.apiUrl}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': stack.devApiKey! },
      body: JSON.stringify({
        prompt: `${secretText} [[cmd:echo traced > traced.txt]] [[final:traced]]`,
        callback_url: `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hook`,
      }),
    });
    assert.equal(res.status, 202);
    const { job_id: jobId } = (await res.json()) as { job_id: string };
    const done = await waitForJob(firestore, jobId, (j) => j.status === 'completed' && j.callback?.state === 'delivered', 240_000);
    const traceId = done.trace_id!;
    assert.match(traceId, /^[0-9a-f]{32}$/, 'the document keeps the trace id');

    // A redelivery, as the sweeper republishes a job (its message from the document; no active span here).
    const queue = new PubSubJobQueue(pubsub, stack.config);
    await queue.publishJob(messageFromJob(done));
    await queue.close();

    const trace = await receiver.waitFor((spans) => {
      const mine = spans.filter((s) => s.traceId === traceId);
      const count = (name: string) => mine.filter((s) => s.name === name).length;
      return count('job.process') === 2 && count('job.claim') === 2 && count('webhook.deliver') === 2 && count('job.submit') === 1 && count('job.finish') === 1 ? mine : undefined;
    }, 'the spans of both deliveries and both webhook attempts');
    assert.deepEqual([...receiver.contentTypes], [protocol === 'http/json' ? 'application/json' : 'application/x-protobuf']);

    // One trace id across enqueue, processor and notifier: no span of this job in another trace.
    const ofJob = receiver.spans.filter((s) => s.attributes.job_id === jobId);
    assert.deepEqual([...new Set(ofJob.map((s) => s.traceId))], [traceId]);
    assert.deepEqual([...new Set(trace.map((s) => s.service))].sort(), ['enqueue', 'notifier', 'processor']);
    for (const s of trace) assert.equal(s.attributes.job_id, jobId, `${s.name} carries job_id`);

    // The submit span is the trace's root.
    const [submit] = trace.filter((s) => s.name === 'job.submit');
    assert.equal(submit!.service, 'enqueue');
    assert.equal(submit!.parentSpanId, '', 'job.submit starts the trace');
    assert.equal(submit!.kind, KIND.server);
    assert.equal(submit!.attributes['http.route'], '/jobs');
    assert.equal(submit!.attributes['http.response.status_code'], 202);

    // Each delivery is a job.process under the submit span: the first ran the job, the redelivery found it completed.
    const processes = trace.filter((s) => s.name === 'job.process').sort(byStart);
    for (const p of processes) {
      assert.equal(p.service, 'processor');
      assert.equal(p.kind, KIND.consumer);
      assert.equal(p.parentSpanId, submit!.spanId, 'a delivery is a child of the span that queued the job');
      assert.equal(p.attributes.lane, 'normal');
    }
    assert.deepEqual(processes.map((p) => p.attributes.outcome), ['ran', 'completed']);

    // The first delivery's stages, in order, one after another, nested under it.
    const children = (parent: ReceivedSpan) => trace.filter((s) => s.parentSpanId === parent.spanId).sort(byStart);
    const stages = children(processes[0]!);
    assert.deepEqual(stages.map((s) => s.name), ['job.claim', 'job.workspace', 'job.turn', 'job.outputs', 'job.finish']);
    stages.forEach((s, i) => {
      assert.equal(s.service, 'processor');
      assert.equal(s.attributes.attempt, 1, `${s.name} carries the attempt`);
      assert.equal(s.attributes.lane, 'normal', `${s.name} carries the lane`);
      assert.ok(s.endNs >= s.startNs);
      // A span's start is read from the wall clock and its end from the monotonic one (the SDK's way), so
      // back-to-back stages may overlap by a clock step: 5 ms of slack, far below any stage's length.
      if (i > 0) assert.ok(s.startNs >= stages[i - 1]!.endNs - CLOCK_SLACK_NS, `${s.name} starts after ${stages[i - 1]!.name} ended (${s.startNs - stages[i - 1]!.endNs} ns)`);
    });
    assert.equal(stages[0]!.attributes.outcome, 'claimed');
    assert.equal(stages.at(-1)!.attributes.outcome, 'completed');
    const redelivered = children(processes[1]!);
    assert.deepEqual(redelivered.map((s) => [s.name, s.attributes.outcome]), [['job.claim', 'terminal']]);

    // Each webhook attempt is a webhook.deliver under job.finish (the span that published the result).
    const attempts = trace.filter((s) => s.name === 'webhook.deliver').sort(byStart);
    assert.deepEqual(attempts.map((s) => [s.attributes.attempt, s.attributes.outcome, s.attributes['http.response.status_code']]), [[1, 'retry', 503], [2, 'delivered', 204]]);
    for (const a of attempts) {
      assert.equal(a.service, 'notifier');
      assert.equal(a.kind, KIND.client);
      assert.equal(a.parentSpanId, stages.at(-1)!.spanId);
    }
    assert.deepEqual(hookStatuses, [503, 204]);

    // Nothing of the prompt reached the receiver, in any export.
    for (const body of receiver.bodies) assert.equal(body.includes(secretText), false, 'no prompt text in any span');

    // The stages event lists the same stages as the spans (job.finish comes after it).
    const events = await firestore.collection(JOBS_COLLECTION).doc(jobId).collection(EVENTS_COLLECTION).orderBy('seq').get();
    const stagesEvent = events.docs.map((d) => d.data() as JobEvent).find((e) => e.type === 'stages');
    assert.deepEqual((stagesEvent?.data as { stages: { name: string }[] }).stages.map((s) => s.name), stages.slice(0, -1).map((s) => s.name));
  });
}
