// The `worker` process: the long lane's pull worker with the processor's own dependencies, an optional
// health port, and the shutdown rule (SIGTERM/SIGINT drain, then exit). Cloud Run worker pools and
// Kubernetes both stop a container with SIGTERM and kill it after their grace period.
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { pubsubClient } from '../clients.js';
import type { Config } from '../config.js';
import { createLogger } from '../logging.js';
import { processorDeps, reportSandbox } from '../processor/processor-http.js';
import type { ProcessorDeps } from '../processor/run-claimed-job.js';
import { startHealthServer } from './health-server.js';
import { startWorkerMetrics } from '../telemetry/worker-metrics.js';
import { startPullWorker, type PullWorker } from './pull-worker.js';
import { flushTraces } from '../telemetry/tracing.js';

/** A leased message outlives its job by the lease (a last renewal) and the time outputs take. */
const LEASE_MARGIN_MS = 15 * 60_000;

export function workerDeps(config: Config): ProcessorDeps {
  return {
    ...processorDeps(config),
    log: createLogger(config.LOG_LEVEL, { component: 'worker' }),
    holder: `${process.env.K_SERVICE ?? process.env.CLOUD_RUN_WORKER_POOL ?? 'worker'}@${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
  };
}

export async function runWorkerProcess(config: Config): Promise<PullWorker> {
  const deps = workerDeps(config);
  if (!config.LONG_JOBS_TOPIC) {
    deps.log.error('LONG_JOBS_TOPIC is empty: there is no long lane, so the worker has nothing to pull');
    process.exit(2);
  }
  // No message is pulled before the sandbox is known to work: a host where it cannot (gVisor, a
  // seccomp/AppArmor profile that forbids user namespaces) logs the ERROR and exits, so Cloud Run or
  // Kubernetes restarts it and the jobs wait in the subscription, never run unconfined.
  // The rejection (logged first as `the processor refuses to start: …`) ends dist/functions/worker.js.
  // It also refuses WORKER_CONCURRENCY > 1 where jobs cannot be isolated from each other.
  await reportSandbox(deps, { name: 'WORKER_CONCURRENCY', value: config.WORKER_CONCURRENCY });
  const metrics = config.METRICS_PORT ? await startWorkerMetrics(config.METRICS_PORT, deps.log) : undefined;
  const pubsub = pubsubClient(config);
  const worker = startPullWorker(pubsub, {
    deps,
    subscription: config.LONG_JOBS_SUBSCRIPTION,
    concurrency: config.WORKER_CONCURRENCY,
    graceMs: config.WORKER_GRACE_MS,
    maxLeaseMs: config.MAX_LONG_JOB_TIMEOUT_MS + config.JOB_LEASE_MS + LEASE_MARGIN_MS,
    ...(metrics ? { observerFor: metrics.observerFor } : {}),
  });
  const health = config.WORKER_HEALTH_PORT ? await startHealthServer(config.WORKER_HEALTH_PORT, worker, config.WORKER_CONCURRENCY) : undefined;
  deps.log.info('worker pulling', { subscription: config.LONG_JOBS_SUBSCRIPTION, concurrency: config.WORKER_CONCURRENCY, grace_ms: config.WORKER_GRACE_MS, holder: deps.holder, ...(metrics ? { metrics: metrics.address } : {}) });
  const shutdown = (signal: string) => {
    if (worker.draining()) return;
    deps.log.info(`${signal}: draining`, { running: worker.running() });
    void worker
      .drain()
      .then(async () => {
        health?.close();
        await metrics?.close();
        await Promise.allSettled([pubsub.close(), deps.close?.(), flushTraces()]); // the last jobs' spans too
      })
      // Exit once stdout has flushed: a pipe write still queued at process.exit would be lost.
      .finally(() => process.stdout.write('', () => process.exit(0)));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  return worker;
}
