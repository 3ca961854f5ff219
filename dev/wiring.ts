// Creates, against the emulators, what Terraform creates in GCP: topics with dead-letter topics,
// push subscriptions to the functions, and the three buckets.
import { PubSub } from '@google-cloud/pubsub';
import { Storage } from '@google-cloud/storage';
import type { Config } from '../shared/config.js';
import { allTopics, pushEndpoint, subscriptions, type FunctionSpec } from './topology.js';

/** `retry` shortens the table's backoff locally (seconds); the attempts and retention are the table's. */
export async function createTopicsAndSubscriptions(pubsub: PubSub, config: Config, functionUrls: Partial<Record<FunctionSpec['name'], string>>, retry = { min: 1, max: 10 }): Promise<void> {
  const project = config.GOOGLE_CLOUD_PROJECT;
  await Promise.all(
    allTopics(config).map(async (name) => {
      const [exists] = await pubsub.topic(name).exists();
      if (!exists) await pubsub.createTopic(name);
    }),
  );
  for (const sub of subscriptions(config)) {
    const [exists] = await pubsub.subscription(sub.subscription).exists();
    if (exists) await pubsub.subscription(sub.subscription).delete();
    const url = sub.pushTo ? functionUrls[sub.pushTo] : undefined;
    if (sub.pushTo && !url) continue;
    await pubsub.topic(sub.topic).createSubscription(sub.subscription, {
      ackDeadlineSeconds: sub.ackDeadlineSeconds,
      enableMessageOrdering: sub.ordered,
      retryPolicy: { minimumBackoff: { seconds: retry.min }, maximumBackoff: { seconds: retry.max } },
      ...(url ? { pushConfig: { pushEndpoint: pushEndpoint(url, project, sub.topic) } } : {}),
      messageRetentionDuration: { seconds: sub.messageRetentionSeconds },
      ...(sub.deadLetterTopic && sub.maxDeliveryAttempts
        ? { deadLetterPolicy: { deadLetterTopic: `projects/${project}/topics/${sub.deadLetterTopic}`, maxDeliveryAttempts: sub.maxDeliveryAttempts } }
        : {}),
    });
  }
}

export async function createBuckets(storage: Storage, config: Config): Promise<void> {
  for (const name of [config.UPLOADS_BUCKET, config.OUTPUTS_BUCKET, config.RESULTS_BUCKET]) {
    const [exists] = await storage.bucket(name).exists();
    if (!exists) await storage.createBucket(name);
  }
}
