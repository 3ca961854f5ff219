// The worker's Prometheus endpoint (METRICS_PORT, GET /metrics), scraped as Prometheus would while a
// job runs on a real worker process (emulators, real codex, the scripted model holding the turn):
// one job running and started during the turn; after it, running back to 0, finished{outcome=
// "completed"} counted, and one observation in the duration and pull-to-claim histograms.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { freePort } from '../../../dev/free-port.js';
import { replyFromDirectives, type ModelReply } from '../../../dev/scripted-model.js';
import { eventually } from '../../support/test-env.js';
import { workerHarness, LONG_TIMEOUT_MS, type WorkerHarness } from '../../support/worker-harness.js';

const MARKER = 'prometheus-scrape-marker';
let release: (() => void) | undefined;
let h: WorkerHarness;
before(async () => {
  h = await workerHarness({}, {
    reply: (r) => {
      if (!r.prompt.includes(MARKER) || r.step !== 0) return replyFromDirectives(r);
      // The turn waits here until the test has scraped the running job.
      return new Promise<ModelReply>((resolve) => (release = () => resolve(replyFromDirectives(r))));
    },
  });
});
after(async () => {
  release?.();
  await h.close();
});

/** The samples of a Prometheus text exposition: `name{labels}` → value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

async function scrape(port: number): Promise<Map<string, number>> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return samples(await res.text());
}

test('the worker serves Prometheus metrics at METRICS_PORT /metrics: a running job, then its completion', async () => {
  const port = await freePort();
  const worker = await h.startWorker('metrics', { METRICS_PORT: String(port), WORKER_CONCURRENCY: '1' });
  const idle = await scrape(port);
  assert.equal(idle.get('codex_jobs_worker_jobs_started_total'), 0);
  assert.equal(idle.get('codex_jobs_worker_jobs_running'), 0);
  assert.equal(idle.get('codex_jobs_worker_pull_to_claim_seconds_count'), 0);
  assert.equal((await fetch(`http://127.0.0.1:${port}/other`)).status, 404);

  const job = await h.submit({ prompt: `${MARKER} [[final:scraped]]`, timeout_ms: LONG_TIMEOUT_MS });
  await eventually(() => release, 'the turn to reach the model', 120_000, 50);
  const during = await scrape(port);
  assert.equal(during.get('codex_jobs_worker_jobs_running'), 1, 'one job running during its turn');
  assert.equal(during.get('codex_jobs_worker_jobs_started_total'), 1);
  assert.equal(during.get('codex_jobs_worker_pull_to_claim_seconds_count'), 1, 'the claim is observed when it happens');
  assert.equal(during.get('codex_jobs_worker_jobs_finished_total{outcome="completed"}'), undefined, 'nothing finished yet');

  release!();
  const done = await h.waitForJob(job.job_id);
  assert.equal(done.status, 'completed', JSON.stringify(done.error));
  // The counters move when the run returns, just after the terminal write the wait saw.
  const afterRun = await eventually(async () => {
    const s = await scrape(port);
    return s.get('codex_jobs_worker_jobs_finished_total{outcome="completed"}') === 1 ? s : undefined;
  }, 'finished{outcome="completed"} to count the job', 30_000, 50);
  assert.equal(afterRun.get('codex_jobs_worker_jobs_running'), 0);
  assert.equal(afterRun.get('codex_jobs_worker_jobs_started_total'), 1);
  assert.equal(afterRun.get('codex_jobs_worker_job_duration_seconds_count{outcome="completed"}'), 1);
  assert.equal(afterRun.get('codex_jobs_worker_job_duration_seconds_bucket{le="+Inf",outcome="completed"}'), 1);
  assert.ok(afterRun.get('codex_jobs_worker_job_duration_seconds_sum{outcome="completed"}')! > 0);
  assert.equal(afterRun.get('codex_jobs_worker_pull_to_claim_seconds_count'), 1);
  assert.equal(afterRun.get('codex_jobs_worker_pull_to_claim_seconds_bucket{le="+Inf"}'), 1);
  assert.deepEqual((await worker.waitHandled(job.job_id)).map((l) => [l.outcome, l.reason]), [['acked', 'ran']]);
  assert.match(worker.lines().find((l) => l.message === 'worker pulling')?.metrics as string, new RegExp(`^127\\.0\\.0\\.1:${port}$`));
});
