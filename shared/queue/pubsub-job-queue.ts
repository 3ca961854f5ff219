// JobQueue on Pub/Sub: priority lanes by topic, ordering key = {owner}:{session_id}, attributes for routing.
import { PubSub, type Topic } from '@google-cloud/pubsub';
import type { Config } from '../config.js';
import { isPriorityLane, type JobMessage } from '../jobs/job-message.js';
import type { ResultMessage } from '../jobs/result-message.js';
import { sessionOrderingKey } from '../jobs/session-scope.js';
import type { JobQueue } from './job-queue.js';

export class PubSubJobQueue implements JobQueue {
  private readonly topics = new Map<string, Topic>();

  constructor(
    readonly pubsub: PubSub,
    readonly names: Pick<Config, 'JOBS_TOPIC' | 'PRIORITY_JOBS_TOPIC' | 'RESULTS_TOPIC'>,
  ) {}

  private topic(name: string, ordered = false): Topic {
    let topic = this.topics.get(name);
    if (!topic) {
      // Batching off: a job message should leave now, not after a batching window.
      topic = this.pubsub.topic(name, { messageOrdering: ordered, batching: { maxMessages: 1, maxMilliseconds: 0 } });
      this.topics.set(name, topic);
    }
    return topic;
  }

  async publishJob(message: JobMessage): Promise<string> {
    const name = isPriorityLane(message.priority) ? this.names.PRIORITY_JOBS_TOPIC : this.names.JOBS_TOPIC;
    const topic = this.topic(name, true);
    const orderingKey = message.session_id ? sessionOrderingKey({ owner: message.owner, session_id: message.session_id }) : undefined;
    const payload = {
      data: Buffer.from(JSON.stringify(message)),
      attributes: { job_id: message.job_id, priority: message.priority, source: message.source },
      ...(orderingKey ? { orderingKey } : {}),
    };
    try {
      return await topic.publishMessage(payload);
    } catch (err) {
      // An ordering key pauses after a failed publish; resume it so the next job of the session can go.
      if (orderingKey) topic.resumePublishing(orderingKey);
      throw err;
    }
  }

  async publishResult(result: ResultMessage): Promise<string> {
    return this.topic(this.names.RESULTS_TOPIC).publishMessage({
      data: Buffer.from(JSON.stringify(result)),
      attributes: { job_id: result.job_id, status: result.status },
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.topics.values()].map((t) => t.flush().catch(() => undefined)));
  }
}
