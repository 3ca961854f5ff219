// The system's wiring, as in GCP: which topic feeds which function through which push subscription,
// and the dead-letter topic behind each. The local stack and the tests build it from terraform/subscriptions.json,
// the same table Terraform reads.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Config } from '../shared/config.js';

export interface FunctionSpec {
  /** Deployment name (also the local process name). */
  name: 'enqueue' | 'processor' | 'processor-priority' | 'storage-trigger' | 'scheduler' | 'notifier' | 'sweeper';
  /** The Functions Framework target (entry point). */
  target: 'enqueue' | 'processor' | 'storage-trigger' | 'scheduler' | 'notifier' | 'sweeper';
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
  { name: 'sweeper', target: 'sweeper', source: 'functions/sweeper/index.js' },
];

export interface SubscriptionSpec {
  topic: string;
  subscription: string;
  /** Function that receives the push, or undefined for a pull subscription that keeps messages. */
  pushTo?: FunctionSpec['name'];
  deadLetterTopic?: string;
  /** Deliveries before Pub/Sub moves a message to deadLetterTopic (only with a deadLetterTopic). */
  maxDeliveryAttempts?: number;
  minimumBackoffSeconds: number;
  maximumBackoffSeconds: number;
  messageRetentionSeconds: number;
  ackDeadlineSeconds: number;
  ordered: boolean;
}

/**
 * terraform/subscriptions.json, the one table Terraform (pubsub.tf) and the local stack read. Keys of
 * `push` are topic keys: `jobs` is JOBS_TOPIC, `priority_jobs` PRIORITY_JOBS_TOPIC, and so on.
 */
export const subscriptionTableSchema = z.object({
  policies: z.record(
    z.enum(['job', 'other', 'dead_letter']),
    z.object({
      minimum_backoff_seconds: z.number().int().min(0).max(600),
      maximum_backoff_seconds: z.number().int().min(0).max(600),
      /** 0: no dead-letter policy (the dead-letter subscriptions themselves). */
      max_delivery_attempts: z.number().int().min(0).max(100),
      message_retention_seconds: z.number().int().min(600).max(604800),
    }),
  ),
  push: z.record(
    z.string().regex(/^[a-z_]+$/),
    z.object({
      function: z.enum(FUNCTIONS.map((f) => f.name) as [FunctionSpec['name'], ...FunctionSpec['name'][]]),
      policy: z.enum(['job', 'other']),
      ack_deadline_seconds: z.number().int().min(10).max(600),
      ordered: z.boolean(),
      /** push: the dead letters go back to the same function (which ends the job); hold: kept for inspection. */
      dead_letters: z.enum(['push', 'hold']),
    }),
  ),
});
export type SubscriptionTable = z.infer<typeof subscriptionTableSchema>;

export const SUBSCRIPTION_TABLE_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../terraform/subscriptions.json');

let table: SubscriptionTable | undefined;
export function subscriptionTable(): SubscriptionTable {
  table ??= subscriptionTableSchema.parse(JSON.parse(readFileSync(SUBSCRIPTION_TABLE_FILE, 'utf8')));
  return table;
}

/** Acked-and-held dead letters (no consumer) are kept this long, like every topic's messages. */
const HOLD_ACK_DEADLINE_SECONDS = 60;
const DEAD_LETTER_PUSH_ACK_DEADLINE_SECONDS = 60;

export function deadLetterTopic(topic: string): string {
  return `${topic}-dead-letter`;
}

/** The topic of a table key: `storage_events` → config.STORAGE_EVENTS_TOPIC. */
export function topicOfKey(config: TopicNames, key: string): string {
  const name = (config as unknown as Record<string, unknown>)[`${key.toUpperCase()}_TOPIC`];
  if (typeof name !== 'string' || !name) throw new Error(`terraform/subscriptions.json: no ${key.toUpperCase()}_TOPIC in the configuration for key ${key}`);
  return name;
}

export type TopicNames = Pick<Config, 'JOBS_TOPIC' | 'PRIORITY_JOBS_TOPIC' | 'RESULTS_TOPIC' | 'SCHEDULES_TOPIC' | 'STORAGE_EVENTS_TOPIC' | 'SWEEPS_TOPIC'>;

export function subscriptions(config: TopicNames, t: SubscriptionTable = subscriptionTable()): SubscriptionSpec[] {
  const policy = (name: keyof SubscriptionTable['policies']) => {
    const p = t.policies[name];
    if (!p) throw new Error(`terraform/subscriptions.json: policy ${name} is missing`);
    return { minimumBackoffSeconds: p.minimum_backoff_seconds, maximumBackoffSeconds: p.maximum_backoff_seconds, messageRetentionSeconds: p.message_retention_seconds, maxDeliveryAttempts: p.max_delivery_attempts };
  };
  const out: SubscriptionSpec[] = [];
  for (const [key, s] of Object.entries(t.push)) {
    const topic = topicOfKey(config, key);
    const own = policy(s.policy);
    out.push({ topic, subscription: `${topic}-${s.function}`, pushTo: s.function, deadLetterTopic: deadLetterTopic(topic), ackDeadlineSeconds: s.ack_deadline_seconds, ordered: s.ordered, ...own });
    // The dead-letter subscription has its own bounded policy and no dead-letter topic of its own, so a
    // dead letter never re-enters its source topic: it is retried with backoff for at most a day.
    const { maxDeliveryAttempts: _none, ...dead } = policy('dead_letter');
    const dlt = deadLetterTopic(topic);
    out.push(
      s.dead_letters === 'push'
        ? { topic: dlt, subscription: `${dlt}-${s.function}`, pushTo: s.function, ackDeadlineSeconds: DEAD_LETTER_PUSH_ACK_DEADLINE_SECONDS, ordered: false, ...dead }
        : { topic: dlt, subscription: `${dlt}-hold`, ackDeadlineSeconds: HOLD_ACK_DEADLINE_SECONDS, ordered: false, ...dead, messageRetentionSeconds: own.messageRetentionSeconds },
    );
  }
  return out;
}

export function allTopics(config: TopicNames): string[] {
  const base = Object.keys(subscriptionTable().push).map((key) => topicOfKey(config, key));
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
  // The job-lane and dead-letter policies of terraform/subscriptions.json, as for the push lanes.
  const { job, dead_letter: dl } = subscriptionTable().policies;
  const retry = (p: NonNullable<typeof job>) => ({ minimumBackoffSeconds: p.minimum_backoff_seconds, maximumBackoffSeconds: p.maximum_backoff_seconds, messageRetentionSeconds: p.message_retention_seconds });
  return {
    topics: [topic, dead],
    pull: { topic, subscription: config.LONG_JOBS_SUBSCRIPTION, deadLetterTopic: dead, ackDeadlineSeconds: LONG_LANE_ACK_DEADLINE_SECONDS, ordered: true, maxDeliveryAttempts: LONG_LANE_MAX_DELIVERY_ATTEMPTS, ...retry(job!) },
    deadLetter: { topic: dead, subscription: `${dead}-processor`, pushTo: 'processor', ackDeadlineSeconds: 60, ordered: false, ...retry(dl!) },
  };
}

/** The long-lane worker as a local process: not a Cloud Function, a plain Node entry of the same build. */
export const WORKER = { name: 'worker', source: 'functions/worker.js' } as const;
