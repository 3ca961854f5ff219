// The long lane's consumer: a streaming pull with flow control. It runs at most `concurrency` jobs at
// once and takes no message beyond them (one stream, server- and client-side flow control, no excess
// messages), and the client's lease management keeps extending each message's ack deadline while its
// job runs. Each message goes through handleJobMessage, the same core as the push lanes.
// drain(): stop pulling, let running jobs finish within the grace period, then give the rest back
// (lease released, message nacked) so another worker takes them at once.
import { Duration, SubscriptionCloseBehaviors, type Message, type PubSub, type Subscription } from '@google-cloud/pubsub';
import type { PubSubMessage } from '../pubsub/pubsub-message.js';
import { handleJobMessage, type DeliveryVerdict } from '../processor/handle-job-message.js';
import type { ProcessorDeps } from '../processor/run-claimed-job.js';
import type { JobRunObserver } from '../telemetry/job-run-observer.js';

export interface PullWorkerOptions {
  deps: ProcessorDeps;
  subscription: string;
  concurrency: number;
  /** How long running jobs may go on after drain() before they are given back. */
  graceMs: number;
  /** The longest a message may stay leased: the longest job plus its bookkeeping. */
  maxLeaseMs: number;
  /** (v4) The observer of one message's run, given when the message arrived (the worker's Prometheus metrics). */
  observerFor?: (receivedAtMs: number) => JobRunObserver;
  /** Called once per message handled (the per-job log line has the same fields). */
  onHandled?: (record: HandledMessage) => void;
}

export type MessageOutcome = 'acked' | 'nacked' | 'given_back';

export interface HandledMessage {
  job_id: string | undefined;
  message_id: string;
  delivery_attempt: number;
  outcome: MessageOutcome;
  reason: string;
  /** Epoch ms the worker received the message, and when it was done with it. */
  received_at_ms: number;
  done_at_ms: number;
}

export interface PullWorker {
  /** Jobs being handled now. */
  running(): number;
  draining(): boolean;
  /** Stops pulling and drains (idempotent); resolves when every message is acked, nacked or given back. */
  drain(): Promise<void>;
}

/** Time left after the grace period for given-back runs to stop and release their leases. */
const GIVE_BACK_ALLOWANCE_MS = 20_000;

interface RunningMessage {
  giveBack: AbortController;
  done: Promise<void>;
}

export function toPubSubMessage(message: Message): PubSubMessage {
  return {
    messageId: message.id,
    data: message.data,
    attributes: message.attributes ?? {},
    ...(message.orderingKey ? { orderingKey: message.orderingKey } : {}),
    publishTime: message.publishTime.toISOString(),
    ...(message.deliveryAttempt ? { deliveryAttempt: message.deliveryAttempt } : {}),
  };
}

/**
 * What to tell Pub/Sub once the core has answered: a duplicate under a live lease, or a job waiting
 * its turn in its session, comes back later (nacked: the subscription's retry policy, 10–600 s, is
 * the delay, so a waiting job does not spin).
 */
function settle(verdict: DeliveryVerdict): MessageOutcome {
  return verdict.ack && verdict.reason !== 'busy' ? 'acked' : 'nacked';
}

export function startPullWorker(pubsub: PubSub, options: PullWorkerOptions): PullWorker {
  const { deps, concurrency, graceMs } = options;
  const log = deps.log.child({ subscription: options.subscription });
  const running = new Map<string, RunningMessage>();
  let drainPromise: Promise<void> | undefined;

  const subscription: Subscription = pubsub.subscription(options.subscription, {
    flowControl: { maxMessages: concurrency, allowExcessMessages: false },
    // One stream: the server's flow control then caps what this worker holds at `concurrency`.
    streamingOptions: { maxStreams: 1 },
    maxExtensionTime: Duration.from({ milliseconds: options.maxLeaseMs }),
    // On close the stream stops at once while leases of running messages keep being extended.
    closeOptions: { behavior: SubscriptionCloseBehaviors.WaitForProcessing, timeout: Duration.from({ milliseconds: graceMs + GIVE_BACK_ALLOWANCE_MS }) },
  });

  const handle = async (message: Message, giveBack: AbortController): Promise<void> => {
    const received = Date.now();
    const jobId = message.attributes?.job_id;
    const jobLog = log.child({ ...(jobId ? { job_id: jobId } : {}), message_id: message.id });
    let outcome: MessageOutcome = 'nacked';
    let reason = 'error';
    try {
      const verdict = await handleJobMessage({ ...deps, log: jobLog, observer: options.observerFor?.(message.received) }, toPubSubMessage(message), { relinquish: giveBack.signal });
      reason = verdict.reason;
      outcome = giveBack.signal.aborted ? 'given_back' : settle(verdict);
    } catch (err) {
      // A dependency failed: the core has released the lease; the message comes back with backoff.
      jobLog.error('job message failed; nacked for redelivery', { error: err as Error });
    }
    if (outcome === 'given_back' && jobId) {
      // Release first, so the redelivered message is claimed at once instead of seen as a live duplicate.
      // A give-back is not a failure: it does not count against MAX_ATTEMPTS (job-attempts.ts).
      await deps.store.releaseLease(jobId, deps.holder, { givenBack: true }).catch((err: Error) => jobLog.error('could not release the lease of a given-back job', { error: err }));
    }
    if (outcome === 'acked') message.ack();
    else message.nack();
    const record: HandledMessage = {
      job_id: jobId,
      message_id: message.id,
      delivery_attempt: message.deliveryAttempt || 1,
      outcome,
      reason,
      received_at_ms: received,
      done_at_ms: Date.now(),
    };
    jobLog.info(`job message ${outcome}`, { ...record, queued_ms: received - message.publishTime.getTime(), handled_ms: record.done_at_ms - received });
    options.onHandled?.(record);
  };

  subscription.on('message', (message: Message) => {
    if (drainPromise) {
      message.nack(); // pulled just before the stream stopped: someone else takes it now
      return;
    }
    const giveBack = new AbortController();
    const entry: RunningMessage = { giveBack, done: Promise.resolve() };
    entry.done = handle(message, giveBack).finally(() => running.delete(message.id));
    running.set(message.id, entry);
  });
  subscription.on('error', (err: Error) => log.error('streaming pull error', { error: err }));

  const drain = async (): Promise<void> => {
    log.info('draining: no more pulls', { running: running.size, grace_ms: graceMs });
    const closed = subscription.close();
    const allDone = () => Promise.all([...running.values()].map((r) => r.done));
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace over'>((resolve) => (timer = setTimeout(() => resolve('grace over'), graceMs)));
    const first = await Promise.race([allDone().then(() => 'done' as const), graceOver]);
    clearTimeout(timer);
    if (first === 'grace over' && running.size > 0) {
      log.warn('grace period over: giving the running jobs back', { running: running.size });
      for (const r of running.values()) r.giveBack.abort();
      await allDone();
    }
    // Messages never dispensed stay in the client until the close timeout; don't wait for them here
    // beyond a moment: their ack deadlines lapse and Pub/Sub redelivers them.
    await Promise.race([closed.catch(() => undefined), new Promise((r) => setTimeout(r, 2000).unref())]);
    log.info('drained');
  };

  return {
    running: () => running.size,
    draining: () => drainPromise !== undefined,
    drain: () => (drainPromise ??= drain()),
  };
}
