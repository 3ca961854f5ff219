// Delivers every job message several times: a pull subscription on each job topic sees each message
// once and publishes it again (same data, attributes and ordering key) until it went out `copies`
// times in all, as a publisher that retries or a redelivery storm would. Copies carry the attribute
// `chaos_copy` so they are not copied again.
import { randomUUID } from 'node:crypto';
import type { Message, PubSub, Subscription } from '@google-cloud/pubsub';

export interface JobDuplicator {
  /** Messages seen on the job topics (originals, sweeper republishes included). */
  originals(): number;
  /** Extra copies published. */
  copies(): number;
  stop(): Promise<void>;
}

export async function startJobDuplicator(pubsub: PubSub, topics: string[], copies: number, log: (line: string) => void): Promise<JobDuplicator> {
  let seen = 0;
  let published = 0;
  const subs: Subscription[] = [];
  for (const name of topics) {
    // One ordered publisher per topic: copies of a session's messages keep their order.
    const topic = pubsub.topic(name, { messageOrdering: true });
    const [sub] = await topic.createSubscription(`${name}-chaos-copies-${randomUUID().slice(0, 8)}`, { ackDeadlineSeconds: 60 });
    sub.on('message', (m: Message) => {
      if (m.attributes.chaos_copy) return m.ack();
      seen++;
      const orderingKey = m.orderingKey || undefined;
      const sends = Array.from({ length: copies - 1 }, (_, i) =>
        topic.publishMessage({ data: m.data, attributes: { ...m.attributes, chaos_copy: String(i + 1) }, ...(orderingKey ? { orderingKey } : {}) }).then(() => void published++),
      );
      Promise.all(sends).then(
        () => m.ack(),
        (err: Error) => {
          log(`could not copy a job message: ${err.message}`);
          if (orderingKey) topic.resumePublishing(orderingKey);
          m.nack();
        },
      );
    });
    sub.on('error', (err) => log(`copy subscription ${name}: ${err.message}`));
    subs.push(sub);
  }
  return {
    originals: () => seen,
    copies: () => published,
    stop: async () => {
      for (const sub of subs) {
        await sub.close();
        await sub.delete().catch(() => undefined);
      }
    },
  };
}
