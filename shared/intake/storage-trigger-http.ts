// storage-trigger as an HTTP function: a push subscription on codex-storage-events (GCS
// notifications) or an Eventarc trigger (CloudEvents). 2xx acks; 5xx asks for a redelivery.
import { firestoreClient, pubsubClient, storageClient } from '../clients.js';
import type { Config } from '../config.js';
import { createLogger } from '../logging.js';
import { pushHandler } from '../pubsub/push-handler.js';
import { PubSubJobQueue } from '../queue/pubsub-job-queue.js';
import { FirestoreJobStore } from '../store/firestore-job-store.js';
import { storageEventFromRequest } from './storage-event.js';
import { handleStorageEvent, type StorageIntakeDeps } from './storage-intake.js';

export function storageTriggerDeps(config: Config): StorageIntakeDeps {
  const store = new FirestoreJobStore(firestoreClient(config));
  return {
    config,
    store,
    quotaDb: store.db,
    queue: new PubSubJobQueue(pubsubClient(config), config),
    storage: storageClient(config),
    log: createLogger(config.LOG_LEVEL, { component: 'storage-trigger' }),
  };
}

export function storageTriggerHandler(deps: StorageIntakeDeps) {
  return pushHandler({
    deps,
    what: 'Cloud Storage event',
    decode: storageEventFromRequest,
    handle: async (event, log) => {
      const verdict = await handleStorageEvent({ ...deps, log }, event);
      return { ack: true, reason: `${verdict.action}: ${verdict.detail}` };
    },
    // The derived job ids keep a redelivery idempotent.
    describe: (event) => ({ object: `gs://${event.bucket}/${event.name}`, generation: event.generation }),
  });
}
