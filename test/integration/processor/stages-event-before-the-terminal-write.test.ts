// The `stages` event (shared/telemetry/job-stages.ts): just before the terminal write, each attempt
// records one event listing the stages that ended, in order, with their start and duration — with
// tracing off too (this process starts no tracing), since the console's timeline reads it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { JobDocument, JobEvent } from '../../../shared/jobs/job-document.js';
import { FirestoreJobStore } from '../../../shared/store/firestore-job-store.js';
import { tracingOn } from '../../../shared/telemetry/tracing.js';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';

interface StageTiming {
  name: string;
  started_at: string;
  duration_ms: number;
}

/** Notes what was stored when the terminal write ran, to show the event came before it. */
class WatchingStore extends FirestoreJobStore {
  eventsAtFinish: JobEvent[] | undefined;
  override async finish(...args: Parameters<FirestoreJobStore['finish']>): Promise<JobDocument | null> {
    this.eventsAtFinish = await this.listEvents(args[0], -1, 1000);
    return super.finish(...args);
  }
}

let h: ProcessorHarness;
before(async () => {
  h = await processorHarness();
});
after(async () => {
  await h.close();
});

function stagesOf(events: JobEvent[]): StageTiming[][] {
  return events.filter((e) => e.type === 'stages').map((e) => (e.data as { stages: StageTiming[] }).stages);
}

test('a completed job stores one stages event before its terminal write: claim, workspace, turn, outputs, in order and timed', async () => {
  assert.equal(tracingOn(), false, 'this process traces nothing: the timings do not depend on tracing');
  const store = new WatchingStore(h.env.firestore, h.env.config.JOB_TTL_DAYS);
  const { job, message } = await h.submit({ prompt: 'stages-marker [[cmd:echo hi]] [[final:staged]]' });
  assert.deepEqual(await h.deliver(message, { ...h.deps, store }), { ack: true, reason: 'ran' });
  const done = await h.deps.store.get(job.job_id);
  assert.equal(done?.status, 'completed');

  const before = stagesOf(store.eventsAtFinish ?? []);
  assert.equal(before.length, 1, 'the stages event is stored before the terminal write');
  const events = await h.deps.store.listEvents(job.job_id, -1, 1000);
  const all = stagesOf(events);
  assert.equal(all.length, 1, 'one stages event per attempt');
  const stages = all[0]!;
  assert.deepEqual(stages.map((s) => s.name), ['job.claim', 'job.workspace', 'job.turn', 'job.outputs'], 'no setup without an environment, no delivery without one asked');
  const claimedAt = Date.parse(done!.started_at!);
  for (const [i, s] of stages.entries()) {
    assert.equal(new Date(s.started_at).toISOString(), s.started_at, 'started_at is ISO-8601 UTC');
    assert.ok(Number.isInteger(s.duration_ms) && s.duration_ms >= 0, `${s.name}: duration_ms ${s.duration_ms}`);
    if (i > 0) {
      const prev = stages[i - 1]!;
      assert.ok(Date.parse(s.started_at) >= Date.parse(prev.started_at) + prev.duration_ms, `${s.name} starts after ${prev.name} ended`);
    }
  }
  assert.ok(Date.parse(stages[1]!.started_at) >= claimedAt - 1000, 'the stages are this attempt’s');
  const turn = stages.find((s) => s.name === 'job.turn')!;
  assert.ok(turn.duration_ms > 0, 'the turn took time');
  // The stages event comes right before `finished`, the last event.
  assert.deepEqual(events.slice(-2).map((e) => e.type), ['stages', 'finished']);
});

test('a model error fails the job after its turn: the stages still run to the outputs', async () => {
  const { job, message } = await h.submit({ prompt: 'stages-model-error [[error:500]]' });
  await h.deliver(message);
  const done = await h.deps.store.get(job.job_id);
  assert.equal(done?.status, 'failed');
  const all = stagesOf(await h.deps.store.listEvents(job.job_id, -1, 1000));
  assert.equal(all.length, 1);
  assert.deepEqual(all[0]!.map((s) => s.name), ['job.claim', 'job.workspace', 'job.turn', 'job.outputs']);
});

test('a run that stops on an error lists the stages up to the one that failed', async () => {
  const broken = await processorHarness({ CODEX_BIN: '/nonexistent/codex' });
  try {
    const { job, message } = await broken.submit({ prompt: 'stages-no-binary' });
    await broken.deliver(message);
    const done = await broken.deps.store.get(job.job_id);
    assert.equal(done?.status, 'failed');
    const events = await broken.deps.store.listEvents(job.job_id, -1, 1000);
    const all = stagesOf(events);
    assert.equal(all.length, 1);
    const names = all[0]!.map((s) => s.name);
    const order = ['job.claim', 'job.workspace', 'job.turn'];
    assert.ok(names.length >= 2 && names.every((n, i) => n === order[i]), `the stages up to the failing one, in order (got ${names.join(', ')})`);
    assert.deepEqual(events.slice(-2).map((e) => e.type), ['stages', 'finished']);
  } finally {
    await broken.close();
  }
});
