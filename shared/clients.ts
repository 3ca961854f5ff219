// The Google Cloud clients of a process, made once from the config. Emulators are used when the
// standard *_EMULATOR_HOST variables are set (the client libraries read them themselves).
import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import { Storage } from '@google-cloud/storage';
import type { Config } from './config.js';

export function firestoreClient(config: Config): Firestore {
  return new Firestore({ projectId: config.GOOGLE_CLOUD_PROJECT, ignoreUndefinedProperties: true });
}

export function pubsubClient(config: Config): PubSub {
  return new PubSub({ projectId: config.GOOGLE_CLOUD_PROJECT });
}

export function storageClient(config: Config): Storage {
  const host = process.env.STORAGE_EMULATOR_HOST;
  return new Storage({ projectId: config.GOOGLE_CLOUD_PROJECT, ...(host ? { apiEndpoint: host } : {}) });
}
