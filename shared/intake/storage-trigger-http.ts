// storage-trigger as an HTTP function: a push subscription on codex-storage-events (GCS
// notifications) or an Eventarc trigger (CloudEvents). 2xx acks; 5xx asks for a redelivery.
import type { Request, Response } from '@google-cloud/functions-framework';
import { firestoreClient, pubsubClient, storageClient } from '../clients.js';
import type { Config } from '../config.js';
import { createLogger, traceFromHeader } from '../logging.js';
import { BadDeliveryError } from '../pubsub/pubsub-message.js';
import { PubSubJobQueue } from '../queue/pubsub-job-queue.js';
import { FirestoreJobStore } from '../store/firestore-job-store.js';
import { storageEventFromRequest, type StorageEvent } from './storage-event.js';
import { handleStorageEvent, type StorageIntakeDeps } from './storage-intake.js';

export function storageTriggerDeps(config: Config): StorageIntakeDeps {
  return {
    config,
    store: new FirestoreJobStore(firestoreClient(config)),
    queue: new PubSubJobQueue(pubsubClient(config), config),
    storage: storageClient(config),
    log: createLogger(config.LOG_LEVEL, { component: 'storage-trigger' }),
  };
}

export function storageTriggerHandler(deps: StorageIntakeDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const trace = traceFromHeader(deps.config.GOOGLE_CLOUD_PROJECT, req.header('x-cloud-trace-context'));
    const log = trace ? deps.log.child({ trace }) : deps.log;
    let event: StorageEvent;
    try {
      event = storageEventFromRequest({ headers: req.headers, body: req.body });
    } catch (err) {
      const bad = err instanceof BadDeliveryError || err instanceof SyntaxError || (err as Error).name === 'ValidationError';
      log.error('request is not a Cloud Storage event', { error: err as Error });
      res.status(bad ? 400 : 500).json({ error: { code: 'bad_request', message: (err as Error).message } });
      return;
    }
    try {
      const verdict = await handleStorageEvent({ ...deps, log }, event);
      res.status(204).set('x-verdict', `${verdict.action}: ${verdict.detail}`).end();
    } catch (err) {
      // Firestore, Pub/Sub or Storage failed: Pub/Sub redelivers; the derived job ids keep it idempotent.
      log.error('storage event failed; asking for redelivery', { object: `gs://${event.bucket}/${event.name}`, generation: event.generation, error: err as Error });
      res.status(503).json({ error: { code: 'unavailable', message: (err as Error).message } });
    }
  };
}
