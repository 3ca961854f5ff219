// The notifier as an HTTP function fed by the codex-results push subscription (or Eventarc):
// 204 acks (delivered, failed and dead-lettered, duplicate, nothing to do); 503 asks Pub/Sub to
// come back (another holder is delivering or took the delivery over, or Firestore/Pub/Sub failed).
import os from 'node:os';
import { firestoreClient, pubsubClient } from '../clients.js';
import { ConfigError, type Config } from '../config.js';
import { createLogger } from '../logging.js';
import { messageFromRequest } from '../pubsub/pubsub-message.js';
import { pushHandler } from '../pubsub/push-handler.js';
import { FirestoreJobStore } from '../store/firestore-job-store.js';
import { FirestoreUsageLedger } from '../usage/usage-ledger.js';
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
    usage: new FirestoreUsageLedger(firestore, config.JOB_TTL_DAYS),
    pubsub: pubsubClient(config),
    firestore,
    log: createLogger(config.LOG_LEVEL, { component: 'notifier' }),
    instance: `${process.env.K_SERVICE ?? 'notifier'}@${os.hostname()}:${process.pid}`,
  };
}

export function notifierHandler(deps: NotifierDeps) {
  return pushHandler({
    deps,
    what: 'Pub/Sub delivery',
    decode: messageFromRequest,
    handle: async (message, log) => {
      const verdict = await notifyResult({ ...deps, log }, message);
      // Another instance holds the delivery: come back later rather than ack a webhook that may still fail.
      return verdict === 'busy' || verdict === 'lost_claim'
        ? { ack: false, reason: verdict, message: 'the webhook is being delivered by another instance', retryAfterSeconds: 10 }
        : { ack: true, reason: verdict };
    },
    describe: (message) => ({ job_id: message.attributes.job_id, message_id: message.messageId }),
  });
}
