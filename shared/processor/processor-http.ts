// The processor as an HTTP function fed by a push subscription (or Eventarc): 2xx acks, 5xx retries.
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { GcsBlobStore } from '../blobs/gcs-blob-store.js';
import { firestoreClient, pubsubClient, storageClient } from '../clients.js';
import type { Config } from '../config.js';
import { createLogger } from '../logging.js';
import { messageFromRequest } from '../pubsub/pubsub-message.js';
import { pushHandler } from '../pubsub/push-handler.js';
import { PubSubJobQueue } from '../queue/pubsub-job-queue.js';
import { FirestoreJobStore } from '../store/firestore-job-store.js';
import { handleJobMessage } from './handle-job-message.js';
import { concurrencyGate } from './concurrency-gate.js';
import { requireJobIsolation, type ConcurrencySetting } from './isolation-startup.js';
import { requireWorkingSandbox } from './sandbox-startup.js';
import type { ProcessorDeps } from './run-claimed-job.js';

export function processorDeps(config: Config): ProcessorDeps {
  const firestore = firestoreClient(config);
  const pubsub = pubsubClient(config);
  const queue = new PubSubJobQueue(pubsub, config);
  return {
    config,
    store: new FirestoreJobStore(firestore, config.JOB_TTL_DAYS),
    queue,
    blobs: new GcsBlobStore(storageClient(config)),
    close: async () => {
      await queue.close();
      await Promise.allSettled([pubsub.close(), firestore.terminate()]);
    },
    log: createLogger(config.LOG_LEVEL, { component: 'processor' }),
    holder: `${process.env.K_SERVICE ?? 'processor'}@${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
  };
}

/**
 * Runs the isolation and sandbox probes at start-up; rejects (so the processor refuses to start) when
 * jobs run side by side without isolation between them (isolation-startup.ts) or the sandbox cannot
 * work. There is no fallback to danger-full-access; see sandbox-startup.ts.
 */
export async function reportSandbox(deps: ProcessorDeps, concurrency: ConcurrencySetting = { name: 'PROCESSOR_CONCURRENCY', value: deps.config.PROCESSOR_CONCURRENCY }): Promise<void> {
  await requireJobIsolation(concurrency, deps.log);
  await requireWorkingSandbox(deps.config, deps.log);
}

export function processorHandler(deps: ProcessorDeps) {
  const gate = concurrencyGate(deps.config.PROCESSOR_CONCURRENCY, () => deps.log);
  return gate.wrap(pushHandler({
    deps,
    what: 'Pub/Sub delivery',
    decode: messageFromRequest,
    handle: (message, log) => handleJobMessage({ ...deps, log }, message),
    describe: (message) => ({ job_id: message.attributes.job_id, message_id: message.messageId }),
  }));
}
