// The enqueue API served in-process by the Functions Framework (the same body parsing and error
// handling as deployed), on 127.0.0.1, against the shared emulators in a project of its own.
import type { AddressInfo } from 'node:net';
import * as functions from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { createApiHandler } from '../../../../shared/api/api-app.js';
import { DEFAULT_API_TUNING, type ApiDeps, type ApiTuning } from '../../../../shared/api/api-deps.js';
import { FirestoreRateLimiter } from '../../../../shared/api/rate-limit.js';
import { apiDeps } from '../../../../shared/api/api-runtime.js';
import { installFrameworkErrorEnvelope } from '../../../../shared/api/framework-error-envelope.js';
import { FirestoreJobStore } from '../../../../shared/store/firestore-job-store.js';
import { randomUUID } from 'node:crypto';
import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import type { Storage } from '@google-cloud/storage';
import { emulatorAwareStorage } from '../../../../shared/clients.js';
import { GcsBlobStore } from '../../../../shared/blobs/gcs-blob-store.js';
import { parseConfig, type Config } from '../../../../shared/config.js';
import { requireEmulators } from '../../../support/test-env.js';
import { recordResponse } from './openapi-conformance.js';

export const KEYS = { alice: 'alice-key', bob: 'bob-key', root: 'root-key' } as const;

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface CallOptions {
  key?: string | null;
  body?: unknown;
  /** Sent as is (no JSON encoding). */
  raw?: string | Buffer;
  headers?: Record<string, string>;
}

export interface ApiTestEnv {
  project: string;
  config: Config;
  firestore: Firestore;
  pubsub: PubSub;
  storage: Storage;
  close(): Promise<void>;
}

/** A fresh project on the shared emulators (own Firestore data, topics and buckets). */
export async function apiTestEnv(overrides: Record<string, string> = {}): Promise<ApiTestEnv> {
  const hosts = requireEmulators();
  const project = `api-${randomUUID().slice(0, 8)}`;
  const config = parseConfig({
    GOOGLE_CLOUD_PROJECT: project,
    PUBSUB_EMULATOR_HOST: hosts.pubsub,
    FIRESTORE_EMULATOR_HOST: hosts.firestore,
    API_KEYS: 'alice:alice-key,bob:bob-key,root:root-key',
    ADMIN_KEYS: 'root',
    LOG_LEVEL: 'ERROR',
    ...overrides,
  });
  const firestore = new Firestore({ projectId: project, ignoreUndefinedProperties: true });
  const pubsub = new PubSub({ projectId: project });
  const storage = emulatorAwareStorage(project);
  await storage.createBucket(config.OUTPUTS_BUCKET);
  await Promise.all([config.JOBS_TOPIC, config.PRIORITY_JOBS_TOPIC, config.RESULTS_TOPIC, ...(config.LONG_JOBS_TOPIC ? [config.LONG_JOBS_TOPIC] : [])].map((t) => pubsub.createTopic(t)));
  return { project, config, firestore, pubsub, storage, close: async () => void (await Promise.allSettled([firestore.terminate(), pubsub.close()])) };
}

export interface ApiServer {
  url: string;
  env: ApiTestEnv;
  deps: ApiDeps;
  store: FirestoreJobStore;
  call<T = unknown>(method: string, path: string, options?: CallOptions): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

let served = 0;

export interface StartOptions {
  env?: Record<string, string>;
  tuning?: Partial<ApiTuning>;
  resolveHost?: (host: string) => Promise<string[]>;
  /** The rate limiter's clock (a fixed minute keeps a test inside one window). */
  limiterNow?: () => number;
}

export async function startApi(options: StartOptions = {}): Promise<ApiServer> {
  installFrameworkErrorEnvelope();
  const env = await apiTestEnv({ RATE_LIMIT_PER_MINUTE: '100000', ...options.env });
  const deps = apiDeps(env.config, {
    firestore: env.firestore,
    pubsub: env.pubsub,
    blobs: new GcsBlobStore(env.storage),
    // A healthy emulator can take longer than production's 3 s to answer its first query on a loaded
    // machine; a test that wants the 503 sets its own short timeout on a dead dependency.
    tuning: { ...DEFAULT_API_TUNING, healthCheckTimeoutMs: 60_000, ...options.tuning },
    // Public documentation addresses: callback hosts resolve without the network.
    resolveHost: options.resolveHost ?? (async () => ['93.184.216.34']),
    ...(options.limiterNow ? { limiter: new FirestoreRateLimiter(env.firestore, env.config.RATE_LIMIT_PER_MINUTE, options.limiterNow) } : {}),
  });
  const name = `enqueue-test-${++served}`;
  // Handlers may still be counting a request (rate limit) after answering: close() waits for them.
  const handler = createApiHandler(deps);
  const running = new Set<Promise<void>>();
  functions.http(name, (req, res) => {
    const run = handler(req, res).finally(() => running.delete(run));
    running.add(run);
    return run;
  });
  const server = getTestServer(name);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const call = async <T>(method: string, path: string, o: CallOptions = {}): Promise<ApiResponse<T>> => {
    const headers: Record<string, string> = { ...(o.key === null ? {} : { 'x-api-key': o.key ?? KEYS.alice }) };
    let body: string | Buffer | undefined;
    if (o.raw !== undefined) body = o.raw;
    else if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(url + path, { method, headers: { ...headers, ...o.headers }, body: body as BodyInit | undefined });
    const text = await res.text();
    const isJson = res.headers.get('content-type')?.startsWith('application/json');
    const parsed = isJson ? (JSON.parse(text) as T) : (text as T);
    recordResponse({ method, path, status: res.status, contentType: res.headers.get('content-type') ?? '', body: parsed });
    return { status: res.status, headers: res.headers, body: parsed, text };
  };

  return {
    url,
    env,
    deps,
    store: new FirestoreJobStore(env.firestore),
    call,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.allSettled([...running]);
      await deps.queue.close();
      await env.close();
    },
  };
}
