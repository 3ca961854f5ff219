// The system's wiring, as in GCP: which topic feeds which function through which push subscription,
// and the dead-letter topic behind each. The local stack and the tests build it from this one table.
import type { Config } from '../shared/config.js';

export interface FunctionSpec {
  /** Deployment name (also the local process name). */
  name: 'enqueue' | 'processor' | 'processor-priority' | 'storage-trigger' | 'scheduler' | 'notifier';
  /** The Functions Framework target (entry point). */
  target: 'enqueue' | 'processor' | 'storage-trigger' | 'scheduler' | 'notifier';
  /** Compiled module that registers the target, relative to dist/. */
  source: string;
}

export const FUNCTIONS: readonly FunctionSpec[] = [
  { name: 'enqueue', target: 'enqueue', source: 'functions/enqueue/index.js' },
  { name: 'processor', target: 'processor', source: 'functions/processor/index.js' },
  { name: 'processor-priority', target: 'processor', source: 'functions/processor/index.js' },
  { name: 'storage-trigger', target: 'storage-trigger', source: 'functions/storage-trigger/index.js' },
  { name: 'scheduler', target: 'scheduler', source: 'functions/scheduler/index.js' },
  { name: 'notifier', target: 'notifier', source: 'functions/notifier/index.js' },
];

export interface SubscriptionSpec {
  topic: string;
  subscription: string;
  /** Function that receives the push, or undefined for a pull subscription that keeps messages. */
  pushTo?: FunctionSpec['name'];
  deadLetterTopic?: string;
  ackDeadlineSeconds: number;
  ordered: boolean;
}

export const MAX_DELIVERY_ATTEMPTS = 5;

export function deadLetterTopic(topic: string): string {
  return `${topic}-dead-letter`;
}

export function subscriptions(config: Pick<Config, 'JOBS_TOPIC' | 'PRIORITY_JOBS_TOPIC' | 'RESULTS_TOPIC' | 'SCHEDULES_TOPIC' | 'STORAGE_EVENTS_TOPIC'>): SubscriptionSpec[] {
  const push = (topic: string, fn: FunctionSpec['name'], ackDeadlineSeconds: number, ordered = false): SubscriptionSpec => ({
    topic,
    subscription: `${topic}-${fn}`,
    pushTo: fn,
    deadLetterTopic: deadLetterTopic(topic),
    ackDeadlineSeconds,
    ordered,
  });
  return [
    push(config.JOBS_TOPIC, 'processor', 600, true),
    push(config.PRIORITY_JOBS_TOPIC, 'processor-priority', 600, true),
    // Worst case of one delivery: 4 attempts × 15 s + 21 s of backoff ≈ 81 s.
    push(config.RESULTS_TOPIC, 'notifier', 120),
    push(config.SCHEDULES_TOPIC, 'scheduler', 60),
    push(config.STORAGE_EVENTS_TOPIC, 'storage-trigger', 120),
    // A dead-lettered job message goes back to a processor, which marks the job failed (dead_lettered).
    { topic: deadLetterTopic(config.JOBS_TOPIC), subscription: `${deadLetterTopic(config.JOBS_TOPIC)}-processor`, pushTo: 'processor', ackDeadlineSeconds: 60, ordered: false },
    { topic: deadLetterTopic(config.PRIORITY_JOBS_TOPIC), subscription: `${deadLetterTopic(config.PRIORITY_JOBS_TOPIC)}-processor-priority`, pushTo: 'processor-priority', ackDeadlineSeconds: 60, ordered: false },
    // The other dead letters are kept for inspection.
    ...[config.RESULTS_TOPIC, config.SCHEDULES_TOPIC, config.STORAGE_EVENTS_TOPIC].map((t) => ({
      topic: deadLetterTopic(t),
      subscription: `${deadLetterTopic(t)}-hold`,
      ackDeadlineSeconds: 60,
      ordered: false,
    })),
  ];
}

export function allTopics(config: Parameters<typeof subscriptions>[0]): string[] {
  const base = [config.JOBS_TOPIC, config.PRIORITY_JOBS_TOPIC, config.RESULTS_TOPIC, config.SCHEDULES_TOPIC, config.STORAGE_EVENTS_TOPIC];
  return [...base, ...base.map(deadLetterTopic)];
}

/** Push endpoint path that lets the Functions Framework name the topic of the event it builds. */
export function pushEndpoint(baseUrl: string, project: string, topic: string): string {
  return `${baseUrl}/projects/${project}/topics/${topic}`;
}

// The long lane (LONG_JOBS_TOPIC; none when it is empty): a pull subscription the `worker` holds, and a
// dead-letter topic whose messages go to a processor, which marks the job failed (dead_lettered).
/** A job waiting for capacity is not failing: the long lane's message dead-letters only after this many deliveries. */
export const LONG_LANE_MAX_DELIVERY_ATTEMPTS = 100;
/** The pull subscription's ack deadline; the worker's client extends it while a job runs. */
export const LONG_LANE_ACK_DEADLINE_SECONDS = 60;
/** Job-lane retry backoff (seconds) in GCP; the local stack shortens it. */
export const LONG_LANE_RETRY = { min: 10, max: 600 } as const;

export interface LongLaneSpec {
  topics: string[];
  pull: SubscriptionSpec & { maxDeliveryAttempts: number };
  deadLetter: SubscriptionSpec;
}

export function longLane(config: Pick<Config, 'LONG_JOBS_TOPIC' | 'LONG_JOBS_SUBSCRIPTION'>): LongLaneSpec | null {
  const topic = config.LONG_JOBS_TOPIC;
  if (!topic) return null;
  const dead = deadLetterTopic(topic);
  return {
    topics: [topic, dead],
    pull: { topic, subscription: config.LONG_JOBS_SUBSCRIPTION, deadLetterTopic: dead, ackDeadlineSeconds: LONG_LANE_ACK_DEADLINE_SECONDS, ordered: true, maxDeliveryAttempts: LONG_LANE_MAX_DELIVERY_ATTEMPTS },
    deadLetter: { topic: dead, subscription: `${dead}-processor`, pushTo: 'processor', ackDeadlineSeconds: 60, ordered: false },
  };
}

/** The long-lane worker as a local process: not a Cloud Function, a plain Node entry of the same build. */
export const WORKER = { name: 'worker', source: 'functions/worker.js' } as const;
