// The notifier as an HTTP function fed by the codex-results push subscription (or Eventarc):
// 204 acks (delivered, failed and dead-lettered, duplicate, nothing to do); 503 asks Pub/Sub to
// come back (another holder is delivering, or Firestore/Pub/Sub failed).
import os from 'node:os';
import type { Request, Response } from '@google-cloud/functions-framework';
import { firestoreClient, pubsubClient } from '../clients.js';
import { ConfigError, type Config } from '../config.js';
import { createLogger, traceFromHeader } from '../logging.js';
import { BadDeliveryError, messageFromRequest } from '../pubsub/pubsub-message.js';
import { FirestoreJobStore } from '../store/firestore-job-store.js';
import { FirestoreDeliveryStore } from './delivery-store.js';
import { notifyResult, type NotifierDeps } from './notify.js';

/** The notifier cannot sign without a secret: refuse to start rather than fail every delivery. */
export function notifierDeps(config: Config): NotifierDeps {
  if (config.WEBHOOK_SECRET.length === 0) {
    throw new ConfigError('Invalid configuration: WEBHOOK_SECRET is required by the notifier (one or more whsec_<base64> secrets)');
  }
  const firestore = firestoreClient(config);
  return {
    config,
    deliveries: new FirestoreDeliveryStore(firestore, config.JOB_TTL_DAYS),
    jobs: new FirestoreJobStore(firestore),
    pubsub: pubsubClient(config),
    log: createLogger(config.LOG_LEVEL, { component: 'notifier' }),
    instance: `${process.env.K_SERVICE ?? 'notifier'}@${os.hostname()}:${process.pid}`,
  };
}

export function notifierHandler(deps: NotifierDeps) {
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
      const verdict = await notifyResult({ ...deps, log }, message);
      if (verdict === 'busy') {
        res.status(503).set('retry-after', '10').set('x-verdict', verdict).json({ error: { code: 'unavailable', message: 'the webhook is being delivered by another instance' } });
        return;
      }
      res.status(204).set('x-verdict', verdict).end();
    } catch (err) {
      log.error('webhook handling failed; asking for redelivery', { job_id: message.attributes.job_id, error: err as Error });
      res.status(503).json({ error: { code: 'unavailable', message: (err as Error).message } });
    }
  };
}
