// The long-lane worker's Prometheus metrics (prom-client) on METRICS_PORT, GET /metrics: jobs started
// and finished (by outcome), jobs running now, job duration and pull-to-claim latency. For GKE, where
// Prometheus (or Managed Service for Prometheus) scrapes the pod (deploy/k8s/); Cloud Monitoring's
// log-based metrics (terraform/log-metrics.tf) cover the same jobs in GCP without it.
// prom-client is imported only when METRICS_PORT is set, so a worker without it never loads it.
import http from 'node:http';
import type { Logger } from '../logging.js';
import type { JobRunObserver, RunOutcome } from './job-run-observer.js';
import { lazyPackage } from '../lazy-package.js';

export interface WorkerMetrics {
  /** The observer of the runs of one pulled message, received (epoch ms) by the worker's client. */
  observerFor(receivedAtMs: number): JobRunObserver;
  /** Where it listens (host:port), for the start-up line. */
  address: string;
  close(): Promise<void>;
}

// Long-lane jobs run from seconds to a day (MAX_LONG_JOB_TIMEOUT_MS ≤ 24 h).
const DURATION_BUCKETS_S = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400, 28800, 86400];
// From the message reaching the worker to the job claimed: a Firestore transaction, normally well under a second.
const CLAIM_BUCKETS_S = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export async function startWorkerMetrics(port: number, log: Logger, host = process.env.HOST ?? '0.0.0.0'): Promise<WorkerMetrics> {
  const prom = await lazyPackage(() => import('prom-client'));
  const register = new prom.Registry();
  prom.collectDefaultMetrics({ register, prefix: 'codex_jobs_worker_' });
  const started = new prom.Counter({ name: 'codex_jobs_worker_jobs_started_total', help: 'Jobs this worker claimed and started running.', registers: [register] });
  const finished = new prom.Counter({
    name: 'codex_jobs_worker_jobs_finished_total',
    help: 'Runs ended, by outcome: the terminal status (completed, failed, cancelled), or lease_lost, given_back, error when this run recorded none.',
    labelNames: ['outcome'] as const,
    registers: [register],
  });
  const running = new prom.Gauge({ name: 'codex_jobs_worker_jobs_running', help: 'Jobs running on this worker now.', registers: [register] });
  const duration = new prom.Histogram({ name: 'codex_jobs_worker_job_duration_seconds', help: 'From claim to the end of the run, by outcome.', labelNames: ['outcome'] as const, buckets: DURATION_BUCKETS_S, registers: [register] });
  const pullToClaim = new prom.Histogram({ name: 'codex_jobs_worker_pull_to_claim_seconds', help: 'From the message reaching this worker to its job claimed.', buckets: CLAIM_BUCKETS_S, registers: [register] });

  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"not_found","message":"GET /metrics only"}}');
      return;
    }
    register.metrics().then(
      (text) => res.writeHead(200, { 'content-type': register.contentType }).end(text),
      (err: Error) => {
        log.error('could not render the Prometheus metrics', { error: err });
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"code":"internal","message":"metrics unavailable"}}');
      },
    );
  });
  // In a pod the scrape comes from outside it (0.0.0.0); tests and the local stack set HOST=127.0.0.1,
  // as for the health port.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });

  return {
    address: `${host}:${port}`,
    observerFor: (receivedAtMs) => ({
      started() {
        const claimedAt = Date.now();
        pullToClaim.observe(Math.max(0, claimedAt - receivedAtMs) / 1000);
        started.inc();
        running.inc();
        let ended = false;
        return (outcome: RunOutcome) => {
          if (ended) return;
          ended = true;
          running.dec();
          finished.inc({ outcome });
          duration.observe({ outcome }, (Date.now() - claimedAt) / 1000);
        };
      },
    }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
