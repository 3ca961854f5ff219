// The notifier's work for one codex-results message: claim the job's delivery, run the retry
// schedule, keep the job's `callback` field current, and when every attempt failed publish the
// payload to `<RESULTS_TOPIC>-dead-letter` before recording `failed` (so nothing is lost).
import { randomUUID } from 'node:crypto';
import type { PubSub, Topic } from '@google-cloud/pubsub';
import type { Firestore } from '@google-cloud/firestore';
import type { Config } from '../config.js';
import { forgeJobEnded } from '../forge/forge-job-ended.js';
import type { CallbackRecord } from '../jobs/job-document.js';
import { resultMessageSchema, type ResultMessage } from '../jobs/result-message.js';
import type { Logger } from '../logging.js';
import type { PubSubMessage } from '../pubsub/pubsub-message.js';
import type { JobStore } from '../store/job-store.js';
import type { FirestoreUsageLedger } from '../usage/usage-ledger.js';
import { addressPolicyFromConfig } from './address-policy.js';
import { deliverWebhook, type AttemptRecord } from './deliver.js';
import { isFinal, type DeliveryRecord, type FirestoreDeliveryStore } from './delivery-store.js';
import { webhookIdFor } from './sign.js';
import { webhookBodyText } from './webhook-body.js';

export interface NotifierDeps {
  config: Config;
  deliveries: FirestoreDeliveryStore;
  jobs: Pick<JobStore, 'setCallback'>;
  /** Counts each terminal job's usage once on its owner's day (every terminal job passes here once or more). */
  usage?: Pick<FirestoreUsageLedger, 'record'>;
  pubsub: PubSub;
  /** (v4) Jobs from GitHub: their reply comments and pull request links (shared/forge/). */
  firestore?: Firestore;
  log: Logger;
  /** Identifies this instance in leases; each handled message adds its own suffix. */
  instance: string;
  /** DNS for the address policy (tests inject one). */
  resolve?: (host: string) => Promise<string[]>;
  sleep?: (ms: number) => Promise<void>;
}

export type NotifyVerdict =
  | 'invalid'
  | 'no_callback'
  | 'delivered'
  | 'failed'
  /** delivered or failed before: a duplicate */
  | 'done'
  /** another holder is delivering right now: ask Pub/Sub to come back later */
  | 'busy'
  /** our lease ran out and another holder took the delivery over: ask Pub/Sub to come back later */
  | 'lost_claim';

export function deadLetterTopicName(config: Pick<Config, 'RESULTS_TOPIC'>): string {
  return `${config.RESULTS_TOPIC}-dead-letter`;
}

/** Long enough for one attempt and the wait after it; renewed before every attempt. */
export function deliveryLeaseMs(config: Pick<Config, 'WEBHOOK_TIMEOUT_MS' | 'WEBHOOK_RETRY_DELAYS'>): number {
  return config.WEBHOOK_TIMEOUT_MS + Math.max(0, ...config.WEBHOOK_RETRY_DELAYS) + 10_000;
}

function callbackOf(record: Pick<DeliveryRecord, 'state' | 'attempts' | 'last_status' | 'last_error' | 'delivered_at'>): CallbackRecord {
  return {
    state: record.state === 'failing' ? 'pending' : record.state,
    attempts: record.attempts,
    last_status: record.last_status,
    last_error: record.last_error,
    delivered_at: record.delivered_at,
  };
}

/** Only scheme, host and port: a callback URL's path or query may carry a receiver's token. */
function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(unparseable)';
  }
}

export async function notifyResult(deps: NotifierDeps, message: PubSubMessage): Promise<NotifyVerdict> {
  let result: ResultMessage;
  try {
    result = resultMessageSchema.parse(JSON.parse(message.data.toString('utf8')));
  } catch (err) {
    // A message that can never be handled is acked, not retried forever.
    deps.log.error('codex-results message is not a result; acked without delivery', { job_id: message.attributes.job_id, message_id: message.messageId, error: err as Error });
    return 'invalid';
  }
  if (deps.usage) await deps.usage.record(result); // before anything else: a job without a callback counts too
  await forgeJobEnded(deps, result); // a GitHub-started job: its pull request link and reply comment
  const callbackUrl = result.callback_url;
  if (!callbackUrl) return 'no_callback';

  const { config } = deps;
  const jobId = result.job_id;
  const log = deps.log.child({ job_id: jobId, callback_origin: origin(callbackUrl) });
  const holder = `${deps.instance}:${randomUUID().slice(0, 8)}`;
  const leaseMs = deliveryLeaseMs(config);
  const webhookId = webhookIdFor(jobId);

  const claim = await deps.deliveries.claim(jobId, webhookId, holder, leaseMs);
  if (claim.outcome === 'busy') {
    log.info('webhook delivery is in progress elsewhere; asking for redelivery', { holder: claim.record.lease?.holder });
    return 'busy';
  }
  if (claim.outcome === 'done') {
    // A duplicate: make sure the job shows the outcome (an earlier holder may have stopped before it).
    await recordOnJob(deps, log, jobId, callbackOf(claim.record));
    return 'done';
  }

  let record = claim.record;
  if (record.state === 'pending' && config.WEBHOOK_SECRET.length === 0) {
    await deps.deliveries.markFailing(jobId, holder, 'no WEBHOOK_SECRET configured to sign with');
    record = { ...record, state: 'failing', last_error: 'no WEBHOOK_SECRET configured to sign with' };
  }
  if (record.state === 'pending') {
    const outcome = await deliverWebhook(
      {
        url: callbackUrl,
        webhookId,
        body: webhookBodyText(result),
        secrets: config.WEBHOOK_SECRET,
        policy: addressPolicyFromConfig(config),
        ...(deps.resolve ? { resolve: deps.resolve } : {}),
        timeoutMs: config.WEBHOOK_TIMEOUT_MS,
        retryDelaysMs: config.WEBHOOK_RETRY_DELAYS,
        attemptsDone: record.attempts,
        lastAttemptAt: record.last_attempt_at,
      },
      {
        beforeAttempt: () => deps.deliveries.renew(jobId, holder, leaseMs),
        afterAttempt: async (attempt) => {
          const kept = await deps.deliveries.recordAttempt(jobId, holder, attempt);
          logAttempt(log, attempt);
          if (kept && attempt.verdict === 'retry') {
            await recordOnJob(deps, log, jobId, { state: 'pending', attempts: attempt.attempt, last_status: attempt.status, last_error: attempt.error, delivered_at: null }, true);
          }
          return kept;
        },
        ...(deps.sleep ? { sleep: deps.sleep } : {}),
      },
    );
    if (outcome.outcome === 'lost_claim') return afterRefusedWrite(deps, log, jobId);
    const last = outcome.last;
    record = { ...record, attempts: last.attempt, last_status: last.status, last_error: last.error, last_attempt_at: last.at };
    if (last.verdict === 'delivered') {
      await recordOnJob(deps, log, jobId, { state: 'delivered', attempts: last.attempt, last_status: last.status, last_error: null, delivered_at: last.at });
      return 'delivered';
    }
    record = { ...record, state: 'failing' };
  }

  // failing: every attempt is over. Dead-letter first, then record: a crash in between repeats the
  // publish on redelivery (a duplicate on the dead-letter topic) rather than losing it.
  await publishDeadLetter(deps, message, result, record);
  if (!(await deps.deliveries.markFailed(jobId, holder))) return afterRefusedWrite(deps, log, jobId);
  log.error('webhook delivery failed; payload published to the dead-letter topic', {
    attempts: record.attempts,
    last_status: record.last_status,
    last_error: record.last_error,
    topic: deadLetterTopicName(config),
  });
  await recordOnJob(deps, log, jobId, { ...callbackOf(record), state: 'failed', delivered_at: null });
  return 'failed';
}

/**
 * A write under our claim was refused. Either our own final write committed and its reply was lost
 * (the client retried the transaction, which then found the delivery final), or another holder took
 * the delivery over. A final delivery is mirrored on the job and acked; otherwise the message must
 * come back, since acking it would lose the webhook if the new holder died too.
 */
async function afterRefusedWrite(deps: NotifierDeps, log: Logger, jobId: string): Promise<NotifyVerdict> {
  const record = await deps.deliveries.get(jobId);
  if (record && isFinal(record.state)) {
    await recordOnJob(deps, log, jobId, callbackOf(record));
    return 'done';
  }
  log.warn('webhook delivery was taken over by another holder (lease expired); asking for redelivery', { holder: record?.lease?.holder });
  return 'lost_claim';
}

function logAttempt(log: Logger, attempt: AttemptRecord): void {
  const fields = { attempt: attempt.attempt, status: attempt.status, error: attempt.error, verdict: attempt.verdict };
  if (attempt.verdict === 'delivered') log.info('webhook delivered', fields);
  else log.warn('webhook attempt failed', fields);
}

const topics = new WeakMap<PubSub, Map<string, Topic>>();

function topicOf(pubsub: PubSub, name: string): Topic {
  let byName = topics.get(pubsub);
  if (!byName) topics.set(pubsub, (byName = new Map()));
  let topic = byName.get(name);
  if (!topic) byName.set(name, (topic = pubsub.topic(name, { batching: { maxMessages: 1, maxMilliseconds: 0 } })));
  return topic;
}

/** The original codex-results data, so the payload can be replayed onto codex-results as it is. */
async function publishDeadLetter(deps: NotifierDeps, message: PubSubMessage, result: ResultMessage, record: DeliveryRecord): Promise<void> {
  await topicOf(deps.pubsub, deadLetterTopicName(deps.config)).publishMessage({
    data: message.data,
    attributes: {
      job_id: result.job_id,
      status: result.status,
      reason: 'webhook_failed',
      webhook_attempts: String(record.attempts),
      ...(record.last_status !== null ? { webhook_last_status: String(record.last_status) } : {}),
    },
  });
}

/** Writes the job's callback field; a missing job document (expired, deleted) is only logged. */
async function recordOnJob(deps: NotifierDeps, log: Logger, jobId: string, callback: CallbackRecord, bestEffort = false): Promise<void> {
  try {
    await deps.jobs.setCallback(jobId, callback);
  } catch (err) {
    if ((err as { code?: number }).code === 5 /* NOT_FOUND */) {
      log.warn('job document is missing; callback outcome kept only in webhook_deliveries', { state: callback.state });
      return;
    }
    if (bestEffort) {
      log.warn('could not record the webhook attempt on the job', { error: err as Error });
      return;
    }
    throw err;
  }
}
