// What the HTTP API needs, built once per instance.
import type { Firestore } from '@google-cloud/firestore';
import type { PubSub } from '@google-cloud/pubsub';
import type { BlobStore } from '../blobs/blob-store.js';
import type { Config } from '../config.js';
import type { EnvironmentStore } from '../environment/environment-store.js';
import type { Logger } from '../logging.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { JobStore } from '../store/job-store.js';
import type { RecoveryStore } from '../store/recovery-store.js';
import type { RateLimiter } from './rate-limit.js';
import type { UploadSigner } from '../workspace/upload-signer.js';
import type { OutputSigner } from './output-download-signer.js';

/** Timings a test may shorten; production uses the defaults. */
export interface ApiTuning {
  /** SSE heartbeat comment interval (the contract's 15 s). */
  sseHeartbeatMs: number;
  /** How long /health waits for each dependency before calling it down. */
  healthCheckTimeoutMs: number;
  /** How long an idempotent replay waits for the first request's job document to appear. */
  replayWaitMs: number;
  /** Longest wait for DNS when checking a callback_url. */
  dnsLookupTimeoutMs: number;
}

export const DEFAULT_API_TUNING: ApiTuning = { sseHeartbeatMs: 15_000, healthCheckTimeoutMs: 3_000, replayWaitMs: 10_000, dnsLookupTimeoutMs: 3_000 };

export interface ApiDeps {
  config: Config;
  store: JobStore;
  queue: JobQueue;
  /** Undoes or resends a submitted job whose message did not go out (the submit guarantee). */
  recovery: RecoveryStore;
  blobs: BlobStore;
  /** (v4) The owners' environments. */
  environments: EnvironmentStore;
  log: Logger;
  firestore: Firestore;
  pubsub: PubSub;
  limiter: RateLimiter;
  version: string;
  tuning: ApiTuning;
  /** DNS lookup for the callback_url check (tests inject one; default: the system resolver). */
  resolveHost?: (host: string) => Promise<string[]>;
  /** Signs upload URLs where the identity can (GCP); absent: uploads go through PUT /uploads/{id}. */
  uploadSigner?: UploadSigner;
  /** Signs output download URLs where the identity can (GCP); absent: large outputs are streamed. */
  outputSigner?: OutputSigner;
}
