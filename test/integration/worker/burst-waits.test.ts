// A burst of long-lane jobs larger than WORKER_CONCURRENCY waits and then completes, with at most
// WORKER_CONCURRENCY running at any moment. The scripted model holds each turn until the test lets it
// go, so "running" is observed, not timed: while two turns are held the others stay queued, and the
// claim/terminal times recorded in the documents never overlap more than two deep.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { replyFromDirectives, type ModelReply } from '../../../dev/scripted-model.js';
import { eventually } from '../../support/test-env.js';
import { workerHarness, LONG_TIMEOUT_MS, type WorkerHarness } from '../../support/worker-harness.js';

const CONCURRENCY = 2;
const BURST = 5;
const held: { marker: string; release: () => void }[] = [];
let h: WorkerHarness;
before(async () => {
  h = await workerHarness({}, {
    reply: (r) => {
      const marker = /burst-marker-\d+/.exec(r.prompt)?.[0];
      if (!marker || r.step !== 0) return replyFromDirectives(r);
      return new Promise<ModelReply>((resolve) => held.push({ marker, release: () => resolve(replyFromDirectives(r)) }));
    },
  });
});
after(async () => {
  for (const g of held) g.release();
  await h.close();
});

/** The largest number of [started_at, completed_at] intervals open at one instant. */
function maxOverlap(intervals: [number, number][]): number {
  const points = intervals.flatMap(([a, b]) => [[a, 1], [b, -1]] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let open = 0;
  let max = 0;
  for (const [, d] of points) max = Math.max(max, (open += d));
  return max;
}

test(`a burst of ${BURST} long jobs on a worker with WORKER_CONCURRENCY=${CONCURRENCY} waits, then completes, never more than ${CONCURRENCY} at once`, async () => {
  const worker = await h.startWorker('worker-burst', { WORKER_CONCURRENCY: String(CONCURRENCY) });
  const jobs = [];
  for (let i = 0; i < BURST; i++) jobs.push(await h.submit({ prompt: `burst-marker-${i} [[final:burst ${i}]]`, timeout_ms: LONG_TIMEOUT_MS }));
  const byMarker = new Map(jobs.map((j, i) => [`burst-marker-${i}`, j]));

  let finished = 0;
  let sawFull = false;
  while (finished < BURST) {
    const remaining = BURST - finished;
    await eventually(() => (held.length >= Math.min(CONCURRENCY, remaining) ? true : undefined), `${Math.min(CONCURRENCY, remaining)} turns held at the model`, 90_000, 50);
    assert.ok(held.length <= CONCURRENCY, `at most ${CONCURRENCY} turns at the model at once (saw ${held.length})`);
    if (held.length === CONCURRENCY && remaining > CONCURRENCY) {
      sawFull = true;
      // The worker is full: every job without a held turn is still waiting, unclaimed.
      const heldIds = new Set(held.map((g) => byMarker.get(g.marker)!.job_id));
      for (const j of jobs) {
        if (heldIds.has(j.job_id)) continue;
        const doc = await h.store.get(j.job_id);
        if (doc!.status === 'completed') continue;
        assert.equal(doc!.status, 'queued', `${j.job_id} waits while the worker is full`);
        assert.equal(doc!.attempts, 0);
      }
    }
    const next = held.shift()!;
    next.release();
    const done = await h.waitForJob(byMarker.get(next.marker)!.job_id);
    assert.equal(done.status, 'completed', JSON.stringify(done.error));
    finished++;
  }
  assert.ok(sawFull, 'the burst filled the worker');

  const docs = await Promise.all(jobs.map((j) => h.store.get(j.job_id)));
  for (const d of docs) {
    assert.equal(d!.status, 'completed');
    assert.equal(d!.attempts, 1, 'each job ran once');
    assert.equal(d!.lane, 'long');
  }
  const overlap = maxOverlap(docs.map((d) => [Date.parse(d!.started_at!), Date.parse(d!.completed_at!)]));
  assert.equal(overlap, CONCURRENCY, `at most (and, under a burst, exactly) ${CONCURRENCY} jobs ran at once`);
  for (const j of jobs) {
    const lines = await worker.waitHandled(j.job_id);
    assert.deepEqual(lines.map((l) => [l.outcome, l.reason]), [['acked', 'ran']], 'one log line per job');
  }
});
