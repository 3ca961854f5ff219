// The worker's Prometheus metrics count every way a claimed run can end, not only completions: a run
// that throws (error), one the worker gave back at shutdown (given_back), one that lost its lease
// (lease_lost), and the terminal statuses; the running gauge always comes back down. Scraped over
// HTTP on 127.0.0.1 as Prometheus would.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../../dev/free-port.js';
import { newJobDocument, type JobDocument } from '../../../shared/jobs/job-document.js';
import { createLogger } from '../../../shared/logging.js';
import { observedRun } from '../../../shared/telemetry/job-run-observer.js';
import { startWorkerMetrics, type WorkerMetrics } from '../../../shared/telemetry/worker-metrics.js';
import { jobSpec } from '../../support/job-spec.js';

let metrics: WorkerMetrics;
let port: number;
before(async () => {
  port = await freePort();
  metrics = await startWorkerMetrics(port, createLogger('ERROR', {}, () => undefined), '127.0.0.1');
});
after(() => metrics.close());

async function scrape(): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.equal(res.status, 200);
  return res.text();
}
const value = (text: string, sample: string) => Number(new RegExp(`^${sample.replace(/[{}"+.]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
const job = (): JobDocument => newJobDocument(jobSpec(), 30);

describe('worker metrics', () => {
  it('counts each outcome of a claimed run, and the running gauge comes back to 0', async () => {
    const observer = () => metrics.observerFor(Date.now() - 20);
    const j = job();
    await observedRun(observer(), j, {}, async () => ({ ...j, status: 'failed' }));
    await observedRun(observer(), j, {}, async () => ({ ...j, status: 'cancelled' }));
    await observedRun(observer(), j, {}, async () => null);
    const shutdown = new AbortController();
    shutdown.abort();
    await observedRun(observer(), j, { relinquish: shutdown.signal }, async () => null);
    await assert.rejects(observedRun(observer(), j, {}, async () => {
      throw new Error('Firestore is down');
    }), /Firestore is down/);
    let during = '';
    await observedRun(observer(), j, {}, async () => {
      during = await scrape();
      return { ...j, status: 'completed' };
    });
    assert.equal(value(during, 'codex_jobs_worker_jobs_running'), 1, 'running while the run is inside');
    const text = await scrape();
    assert.equal(value(text, 'codex_jobs_worker_jobs_started_total'), 6);
    assert.equal(value(text, 'codex_jobs_worker_jobs_running'), 0);
    for (const outcome of ['completed', 'failed', 'cancelled', 'lease_lost', 'given_back', 'error']) {
      assert.equal(value(text, `codex_jobs_worker_jobs_finished_total{outcome="${outcome}"}`), 1, outcome);
      assert.equal(value(text, `codex_jobs_worker_job_duration_seconds_count{outcome="${outcome}"}`), 1, `${outcome} duration`);
    }
    assert.equal(value(text, 'codex_jobs_worker_pull_to_claim_seconds_count'), 6);
    assert.ok(value(text, 'codex_jobs_worker_pull_to_claim_seconds_sum') >= 6 * 0.02, 'from the message’s arrival to the claim');
    assert.match(text, /^codex_jobs_worker_process_cpu_user_seconds_total /m, 'with the process metrics');
  });

  it('answers only GET /metrics', async () => {
    assert.equal((await fetch(`http://127.0.0.1:${port}/`)).status, 404);
    assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'POST' })).status, 404);
  });

  it('without an observer a run is just run', async () => {
    const j = job();
    assert.equal((await observedRun(undefined, j, {}, async () => ({ ...j, status: 'completed' })))?.status, 'completed');
  });
});
