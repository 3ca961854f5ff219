// Builds the API's dependencies from the config (Google Cloud clients, or their emulators).
import { createRequire } from 'node:module';
import { GcsBlobStore } from '../blobs/gcs-blob-store.js';
import { firestoreClient, pubsubClient, storageClient } from '../clients.js';
import type { Config } from '../config.js';
import { createLogger } from '../logging.js';
import { PubSubJobQueue } from '../queue/pubsub-job-queue.js';
import { FirestoreJobStore } from '../store/firestore-job-store.js';
import type { ApiDeps } from './api-deps.js';

export function packageVersion(): string {
  const require = createRequire(import.meta.url);
  for (const candidate of ['../../package.json', '../../../package.json']) {
    try {
      return (require(candidate) as { version: string }).version;
    } catch {
      // try the next layout (source vs dist)
    }
  }
  return '0.0.0';
}

export function apiDeps(config: Config): ApiDeps {
  const firestore = firestoreClient(config);
  const pubsub = pubsubClient(config);
  return {
    config,
    firestore,
    pubsub,
    store: new FirestoreJobStore(firestore),
    queue: new PubSubJobQueue(pubsub, config),
    blobs: new GcsBlobStore(storageClient(config)),
    log: createLogger(config.LOG_LEVEL, { component: 'enqueue' }),
    version: process.env.K_REVISION ?? packageVersion(),
  };
}
