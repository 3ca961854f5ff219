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
import { sandboxProbeOnce } from '../codex/sandbox-probe.js';
import { handleJobMessage } from './handle-job-message.js';
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

/** Runs the sandbox probe at start-up so a host where the sandbox cannot work is reported at once. */
export function reportSandbox(deps: ProcessorDeps): void {
  void sandboxProbeOnce(deps.config.CODEX_BIN, deps.config.CODEX_SANDBOX).then((probe) =>
    probe.ok ? deps.log.info(`sandbox probe: ${probe.message}`) : deps.log.error(`sandbox probe: ${probe.message}`),
  );
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
