// Creates the long lane against the emulators as terraform/worker.tf does in GCP: the topic, its
// dead-letter topic, the worker's pull subscription and the dead-letter push to a processor.
import type { PubSub } from '@google-cloud/pubsub';
import type { Config } from '../shared/config.js';
import { longLane, pushEndpoint, type FunctionSpec } from './topology.js';

export interface LongLaneWiringOptions {
  /** Retry backoff in seconds (GCP: 10–600; the local stack and tests go faster). */
  retry?: { min: number; max: number };
  /** Overrides the pull subscription's ack deadline (tests set a short one). */
  ackDeadlineSeconds?: number;
}

export async function createLongLane(pubsub: PubSub, config: Config, functionUrls: Partial<Record<FunctionSpec['name'], string>>, options: LongLaneWiringOptions = {}): Promise<void> {
  const lane = longLane(config);
  if (!lane) return;
  const project = config.GOOGLE_CLOUD_PROJECT;
  const retry = options.retry ?? { min: 1, max: 10 };
  for (const name of lane.topics) {
    const [exists] = await pubsub.topic(name).exists();
    if (!exists) await pubsub.createTopic(name);
  }
  for (const sub of [lane.pull, lane.deadLetter]) {
    const [exists] = await pubsub.subscription(sub.subscription).exists();
    if (exists) await pubsub.subscription(sub.subscription).delete();
    const url = sub.pushTo ? functionUrls[sub.pushTo] : undefined;
    if (sub.pushTo && !url) continue;
    await pubsub.topic(sub.topic).createSubscription(sub.subscription, {
      ackDeadlineSeconds: sub === lane.pull ? (options.ackDeadlineSeconds ?? sub.ackDeadlineSeconds) : sub.ackDeadlineSeconds,
      enableMessageOrdering: sub.ordered,
      retryPolicy: { minimumBackoff: { seconds: retry.min }, maximumBackoff: { seconds: retry.max } },
      ...(url ? { pushConfig: { pushEndpoint: pushEndpoint(url, project, sub.topic) } } : {}),
      ...(sub === lane.pull && sub.deadLetterTopic
        ? { deadLetterPolicy: { deadLetterTopic: `projects/${project}/topics/${sub.deadLetterTopic}`, maxDeliveryAttempts: lane.pull.maxDeliveryAttempts } }
        : {}),
    });
  }
}
