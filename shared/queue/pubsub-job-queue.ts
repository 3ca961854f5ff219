// JobQueue on Pub/Sub: one topic per lane (job-lane.ts), ordering key = {owner}:{session_id}, attributes for routing.
import { PubSub, type Topic } from '@google-cloud/pubsub';
import type { Config } from '../config.js';
import type { JobMessage } from '../jobs/job-message.js';
import { laneFor, laneTopic, type LaneConfig } from '../jobs/job-lane.js';
import type { ResultMessage } from '../jobs/result-message.js';
import { sessionOrderingKey } from '../jobs/session-scope.js';
import type { JobQueue } from './job-queue.js';
import { traceAttributes } from '../telemetry/trace-context.js';

export class PubSubJobQueue implements JobQueue {
  private readonly topics = new Map<string, Topic>();

  constructor(
    readonly pubsub: PubSub,
    readonly names: Pick<Config, 'JOBS_TOPIC' | 'PRIORITY_JOBS_TOPIC' | 'RESULTS_TOPIC'> & LaneConfig,
  ) {}

  /** Topics with a flush scheduled or running; `again`: a message came after that flush began. */
  private readonly flushing = new Map<Topic, { again: boolean }>();

  private topic(name: string, ordered = false): Topic {
    let topic = this.topics.get(name);
    if (!topic) {
      // Messages leave when flushSoon flushes, right after the turn they were published in; the
      // batching window is only a backstop.
      topic = this.pubsub.topic(name, { messageOrdering: ordered, batching: { maxMessages: 100, maxMilliseconds: 10 } });
      this.topics.set(name, topic);
    }
    return topic;
  }

  /**
   * One Publish RPC per topic per event-loop turn instead of one per message: under concurrency the
   * client's per-call cost dominated POST /jobs (bench/enqueue-bench.ts). A lone message still leaves
   * at once (setImmediate has no timer's minimum delay). One flush at a time per topic, since each
   * flush waits for the topic to drain; messages that come meanwhile get the next one.
   */
  private publishSoon(topic: Topic, payload: Parameters<Topic['publishMessage']>[0]): Promise<string> {
    const sent = topic.publishMessage(payload);
    this.flushSoon(topic);
    return sent;
  }

  private flushSoon(topic: Topic): void {
    const running = this.flushing.get(topic);
    if (running) {
      running.again = true;
      return;
    }
    const state = { again: false };
    this.flushing.set(topic, state);
    setImmediate(() => {
      // Each message's own promise carries its outcome; the flush's is only the drain.
      void topic
        .flush()
        .catch(() => undefined)
        .finally(() => {
          this.flushing.delete(topic);
          if (state.again) this.flushSoon(topic);
        });
    });
  }

  async publishJob(message: JobMessage): Promise<string> {
    // The lane the producer recorded; a message from before lanes is placed by the same rule.
    const lane = message.lane ?? laneFor(message, this.names);
    const name = laneTopic(lane, this.names);
    const topic = this.topic(name, true);
    const orderingKey = message.session_id ? sessionOrderingKey({ owner: message.owner, session_id: message.session_id }) : undefined;
    const payload = {
      data: Buffer.from(JSON.stringify(message)),
      attributes: { job_id: message.job_id, priority: message.priority, source: message.source, lane, ...traceAttributes(message.trace_parent) },
      ...(orderingKey ? { orderingKey } : {}),
    };
    try {
      return await this.publishSoon(topic, payload);
    } catch (err) {
      // An ordering key pauses after a failed publish; resume it so the next job of the session can go.
      if (orderingKey) topic.resumePublishing(orderingKey);
      throw err;
    }
  }

  async publishResult(result: ResultMessage): Promise<string> {
    return this.publishSoon(this.topic(this.names.RESULTS_TOPIC), {
      data: Buffer.from(JSON.stringify(result)),
      attributes: { job_id: result.job_id, status: result.status, ...traceAttributes(result.trace_parent) },
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.topics.values()].map((t) => t.flush().catch(() => undefined)));
  }
}
