// What the HTTP API needs, built once per instance.
import type { Firestore } from '@google-cloud/firestore';
import type { PubSub } from '@google-cloud/pubsub';
import type { BlobStore } from '../blobs/blob-store.js';
import type { Config } from '../config.js';
import type { Logger } from '../logging.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { JobStore } from '../store/job-store.js';

export interface ApiDeps {
  config: Config;
  store: JobStore;
  queue: JobQueue;
  blobs: BlobStore;
  log: Logger;
  firestore: Firestore;
  pubsub: PubSub;
  version: string;
}
