// scheduler as an HTTP function fed by the push subscription on codex-schedules (or Eventarc's
// messagePublished CloudEvent). 2xx acks; 5xx asks for a redelivery.
import type { Request, Response } from '@google-cloud/functions-framework';
import { firestoreClient, pubsubClient } from '../clients.js';
import type { Config } from '../config.js';
import { createLogger, traceFromHeader } from '../logging.js';
import { BadDeliveryError, messageFromRequest, type PubSubMessage } from '../pubsub/pubsub-message.js';
import { PubSubJobQueue } from '../queue/pubsub-job-queue.js';
import { FirestoreJobStore } from '../store/firestore-job-store.js';
import type { IntakeDeps } from './intake-jobs.js';
import { handleScheduleMessage } from './schedule-message.js';

export function schedulerDeps(config: Config): IntakeDeps {
  return {
    config,
    store: new FirestoreJobStore(firestoreClient(config)),
    queue: new PubSubJobQueue(pubsubClient(config), config),
    log: createLogger(config.LOG_LEVEL, { component: 'scheduler' }),
  };
}

export function schedulerHandler(deps: IntakeDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const trace = traceFromHeader(deps.config.GOOGLE_CLOUD_PROJECT, req.header('x-cloud-trace-context'));
    const log = trace ? deps.log.child({ trace }) : deps.log;
    let message: PubSubMessage;
    try {
      message = messageFromRequest({ headers: req.headers, body: req.body });
    } catch (err) {
      const bad = err instanceof BadDeliveryError || err instanceof SyntaxError || (err as Error).name === 'ValidationError';
      log.error('request is not a Pub/Sub delivery', { error: err as Error });
      res.status(bad ? 400 : 500).json({ error: { code: 'bad_request', message: (err as Error).message } });
      return;
    }
    try {
      const verdict = await handleScheduleMessage({ ...deps, log }, message);
      res.status(204).set('x-verdict', verdict.action).end();
    } catch (err) {
      log.error('schedule message failed; asking for redelivery', { schedule: message.attributes.schedule, message_id: message.messageId, error: err as Error });
      res.status(503).json({ error: { code: 'unavailable', message: (err as Error).message } });
    }
  };
}
