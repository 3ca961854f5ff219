// JobQueue on Pub/Sub: one topic per lane (job-lane.ts), ordering key = {owner}:{session_id}, attributes for routing.
import { PubSub, type Topic } from '@google-cloud/pubsub';
import type { Config } from '../config.js';
import type { JobMessage } from '../jobs/job-message.js';
import { laneFor, laneTopic, type LaneConfig } from '../jobs/job-lane.js';
import type { ResultMessage } from '../jobs/result-message.js';
import { sessionOrderingKey } from '../jobs/session-scope.js';
import type { JobQueue } from './job-queue.js';

export class PubSubJobQueue implements JobQueue {
  private readonly topics = new Map<string, Topic>();

  constructor(
    readonly pubsub: PubSub,
    readonly names: Pick<Config, 'JOBS_TOPIC' | 'PRIORITY_JOBS_TOPIC' | 'RESULTS_TOPIC'> & LaneConfig,
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
    // The lane the producer recorded; a message from before lanes is placed by the same rule.
    const lane = message.lane ?? laneFor(message, this.names);
    const name = laneTopic(lane, this.names);
    const topic = this.topic(name, true);
    const orderingKey = message.session_id ? sessionOrderingKey({ owner: message.owner, session_id: message.session_id }) : undefined;
    const payload = {
      data: Buffer.from(JSON.stringify(message)),
      attributes: { job_id: message.job_id, priority: message.priority, source: message.source, lane },
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
