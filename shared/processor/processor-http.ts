// The processor as an HTTP function fed by a push subscription (or Eventarc): 2xx acks, 5xx retries.
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from '@google-cloud/functions-framework';
import { GcsBlobStore } from '../blobs/gcs-blob-store.js';
import { firestoreClient, pubsubClient, storageClient } from '../clients.js';
import type { Config } from '../config.js';
import { createLogger, traceFromHeader } from '../logging.js';
import { BadDeliveryError, messageFromRequest } from '../pubsub/pubsub-message.js';
import { PubSubJobQueue } from '../queue/pubsub-job-queue.js';
import { FirestoreJobStore } from '../store/firestore-job-store.js';
import { handleJobMessage } from './handle-job-message.js';
import type { ProcessorDeps } from './run-claimed-job.js';

export function processorDeps(config: Config): ProcessorDeps {
  return {
    config,
    store: new FirestoreJobStore(firestoreClient(config)),
    queue: new PubSubJobQueue(pubsubClient(config), config),
    blobs: new GcsBlobStore(storageClient(config)),
    log: createLogger(config.LOG_LEVEL, { component: 'processor' }),
    holder: `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
  };
}

export function processorHandler(deps: ProcessorDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const trace = traceFromHeader(deps.config.GOOGLE_CLOUD_PROJECT, req.header('x-cloud-trace-context'));
    const log = trace ? deps.log.child({ trace }) : deps.log;
    let message;
    try {
      message = messageFromRequest({ headers: req.headers, body: req.body });
    } catch (err) {
      const bad = err instanceof BadDeliveryError || err instanceof SyntaxError || (err as Error).name === 'ValidationError';
      log.error('request is not a Pub/Sub delivery', { error: err as Error });
      res.status(bad ? 400 : 500).json({ error: { code: 'bad_request', message: (err as Error).message } });
      return;
    }
    try {
      const verdict = await handleJobMessage({ ...deps, log }, message);
      res.status(204).set('x-verdict', verdict.reason).end();
    } catch (err) {
      // A dependency failed (Firestore, Pub/Sub, Storage): let Pub/Sub redeliver with backoff.
      log.error('job delivery failed; asking for redelivery', { job_id: message.attributes.job_id, error: err as Error });
      res.status(503).json({ error: { code: 'unavailable', message: (err as Error).message } });
    }
  };
}
