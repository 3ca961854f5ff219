// scheduler as an HTTP function fed by the push subscription on codex-schedules (or Eventarc's
// messagePublished CloudEvent). 2xx acks; 5xx asks for a redelivery.
import { firestoreClient, pubsubClient } from '../clients.js';
import type { Config } from '../config.js';
import { createLogger } from '../logging.js';
import { messageFromRequest } from '../pubsub/pubsub-message.js';
import { pushHandler } from '../pubsub/push-handler.js';
import { PubSubJobQueue } from '../queue/pubsub-job-queue.js';
import { FirestoreJobStore } from '../store/firestore-job-store.js';
import type { IntakeDeps } from './intake-jobs.js';
import { handleScheduleMessage } from './schedule-message.js';

export function schedulerDeps(config: Config): IntakeDeps {
  const store = new FirestoreJobStore(firestoreClient(config));
  return {
    config,
    store,
    quotaDb: store.db,
    queue: new PubSubJobQueue(pubsubClient(config), config),
    log: createLogger(config.LOG_LEVEL, { component: 'scheduler' }),
  };
}

export function schedulerHandler(deps: IntakeDeps) {
  return pushHandler({
    deps,
    what: 'Pub/Sub delivery',
    decode: messageFromRequest,
    handle: async (message, log) => ({ ack: true, reason: (await handleScheduleMessage({ ...deps, log }, message)).action }),
    describe: (message) => ({ schedule: message.attributes.schedule, message_id: message.messageId }),
  });
}
