// Per-test isolation on the shared emulators: every call gets its own project id, so Firestore
// data, Pub/Sub topics and bucket names never collide between tests running at the same time.
import { randomUUID } from 'node:crypto';
import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import type { Storage } from '@google-cloud/storage';
import { emulatorAwareStorage } from '../../shared/clients.js';
import { parseConfig, type Config } from '../../shared/config.js';

export function requireEmulators(): { pubsub: string; firestore: string; storage: string } {
  const pubsub = process.env.PUBSUB_EMULATOR_HOST;
  const firestore = process.env.FIRESTORE_EMULATOR_HOST;
  const storage = process.env.STORAGE_EMULATOR_HOST;
  if (!pubsub || !firestore || !storage) {
    throw new Error('integration tests need the emulators: run them with `npm test` (test/support/run-tests.ts starts them)');
  }
  return { pubsub, firestore, storage };
}

export interface TestEnv {
  project: string;
  config: Config;
  env: Record<string, string>;
  firestore: Firestore;
  pubsub: PubSub;
  storage: Storage;
  close(): Promise<void>;
}

/** A fresh project on the emulators with its buckets created; `overrides` are extra env vars. */
export async function testEnv(overrides: Record<string, string> = {}): Promise<TestEnv> {
  const hosts = requireEmulators();
  const project = `test-${randomUUID().slice(0, 8)}`;
  const env: Record<string, string> = {
    GOOGLE_CLOUD_PROJECT: project,
    PUBSUB_EMULATOR_HOST: hosts.pubsub,
    FIRESTORE_EMULATOR_HOST: hosts.firestore,
    STORAGE_EMULATOR_HOST: hosts.storage,
    API_KEYS: 'alice:alice-key,bob:bob-key,root:root-key',
    ADMIN_KEYS: 'root',
    LOG_LEVEL: 'ERROR',
    ...overrides,
  };
  const config = parseConfig(env);
  const firestore = new Firestore({ projectId: project, ignoreUndefinedProperties: true });
  const pubsub = new PubSub({ projectId: project });
  const storage = emulatorAwareStorage(project);
  for (const bucket of [config.UPLOADS_BUCKET, config.OUTPUTS_BUCKET, config.RESULTS_BUCKET]) {
    const [exists] = await storage.bucket(bucket).exists();
    if (!exists) await storage.createBucket(bucket);
  }
  return {
    project,
    config,
    env,
    firestore,
    pubsub,
    storage,
    close: async () => {
      await Promise.allSettled([firestore.terminate(), pubsub.close()]);
    },
  };
}

/** A pull subscription on a topic (created if needed), to read what a component published. */
export async function collectTopic(pubsub: PubSub, topic: string): Promise<{ messages: { data: unknown; attributes: Record<string, string>; orderingKey?: string }[]; stop(): Promise<void> }> {
  const [exists] = await pubsub.topic(topic).exists();
  if (!exists) await pubsub.createTopic(topic);
  const [sub] = await pubsub.topic(topic).createSubscription(`${topic}-collect-${randomUUID().slice(0, 8)}`);
  const messages: { data: unknown; attributes: Record<string, string>; orderingKey?: string }[] = [];
  sub.on('message', (m) => {
    messages.push({ data: JSON.parse(m.data.toString('utf8')), attributes: m.attributes, ...(m.orderingKey ? { orderingKey: m.orderingKey } : {}) });
    m.ack();
  });
  return {
    messages,
    stop: async () => {
      await sub.close();
      await sub.delete().catch(() => undefined);
    },
  };
}

/** Resolves when check() returns a value other than undefined; polls an emulator-backed condition. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}
