// Builds the API's dependencies from the config (Google Cloud clients, or their emulators).
import { createRequire } from 'node:module';
import { GcsBlobStore } from '../blobs/gcs-blob-store.js';
import { firestoreClient, pubsubClient, storageClient } from '../clients.js';
import type { Config } from '../config.js';
import { createLogger } from '../logging.js';
import { PubSubJobQueue } from '../queue/pubsub-job-queue.js';
import { FirestoreEnvironmentStore } from '../environment/firestore-environment-store.js';
import { FirestoreJobStore } from '../store/firestore-job-store.js';
import { FirestoreRecoveryStore } from '../store/firestore-recovery-store.js';
import { DEFAULT_API_TUNING, type ApiDeps } from './api-deps.js';
import { FirestoreRateLimiter } from './rate-limit.js';
import { gcsUploadSigner } from '../workspace/upload-signer.js';
import { gcsOutputSigner } from './output-download-signer.js';

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

export function apiDeps(config: Config, overrides: Partial<ApiDeps> = {}): ApiDeps {
  const firestore = overrides.firestore ?? firestoreClient(config);
  const pubsub = overrides.pubsub ?? pubsubClient(config);
  const storage = storageClient(config);
  const log = overrides.log ?? createLogger(config.LOG_LEVEL, { component: 'enqueue' });
  return {
    config,
    firestore,
    pubsub,
    store: new FirestoreJobStore(firestore, config.JOB_TTL_DAYS),
    queue: new PubSubJobQueue(pubsub, config),
    recovery: new FirestoreRecoveryStore(firestore),
    blobs: new GcsBlobStore(storage),
    environments: new FirestoreEnvironmentStore(firestore),
    // The emulator cannot check signatures: locally, uploads go through the API route.
    ...(process.env.STORAGE_EMULATOR_HOST ? {} : { uploadSigner: gcsUploadSigner(storage), outputSigner: gcsOutputSigner(storage) }),
    limiter: new FirestoreRateLimiter(firestore, config.RATE_LIMIT_PER_MINUTE),
    log,
    version: config.K_REVISION ?? packageVersion(),
    tuning: DEFAULT_API_TUNING,
    ...overrides,
  };
}
