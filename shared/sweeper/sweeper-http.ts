// The sweeper as an HTTP function fed by the push subscription on codex-sweeps (Cloud Scheduler
// publishes there every minute; the local stack every SWEEP_INTERVAL_MS). Every delivery is one sweep.
// A sweep is acked even when a rule failed: the next tick sweeps again, so a retry would only pile up.
import { firestoreClient, pubsubClient } from '../clients.js';
import type { Config } from '../config.js';
import { createLogger } from '../logging.js';
import { messageFromRequest } from '../pubsub/pubsub-message.js';
import { pushHandler } from '../pubsub/push-handler.js';
import { PubSubJobQueue } from '../queue/pubsub-job-queue.js';
import { FirestoreJobStore } from '../store/firestore-job-store.js';
import { FirestoreRecoveryStore } from '../store/firestore-recovery-store.js';
import { runSweep, type SweepDeps } from './run-sweep.js';

/** A tick older than this is skipped: a later one (already queued behind it) sweeps with fresh data. */
export const STALE_TICK_MS = 10 * 60_000;

export function sweeperDeps(config: Config): SweepDeps & { config: Config } {
  const firestore = firestoreClient(config);
  return {
    config,
    recovery: new FirestoreRecoveryStore(firestore),
    store: new FirestoreJobStore(firestore, config.JOB_TTL_DAYS),
    queue: new PubSubJobQueue(pubsubClient(config), config),
    log: createLogger(config.LOG_LEVEL, { component: 'sweeper' }),
  };
}

export function sweeperHandler(deps: SweepDeps & { config: Config }) {
  return pushHandler({
    deps,
    what: 'Pub/Sub delivery',
    decode: messageFromRequest,
    handle: async (message, log) => {
      const published = message.publishTime ? Date.parse(message.publishTime) : NaN;
      if (Number.isFinite(published) && Date.now() - published > STALE_TICK_MS) {
        log.info('sweep tick is stale; skipped', { message_id: message.messageId, publish_time: message.publishTime });
        return { ack: true, reason: 'stale tick' };
      }
      const report = await runSweep({ ...deps, log });
      const errors = Object.values(report.rules).reduce((n, c) => n + c.errors, 0);
      return { ack: true, reason: errors ? 'swept with errors' : 'swept' };
    },
    describe: (message) => ({ message_id: message.messageId }),
  });
}
