// The Google Cloud clients of a process, made once from the config. Emulators are used when the
// standard *_EMULATOR_HOST variables are set (the client libraries read them themselves).
import { createRequire } from 'node:module';
import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import type { Storage } from '@google-cloud/storage';
import type { Config } from './config.js';

type StorageLibrary = typeof import('@google-cloud/storage');

// Loaded by the first storageClient() call only: the functions that never make one (scheduler,
// notifier, sweeper) do not pay for loading the Storage library at their cold start. In a function's
// bundle (dev/build-bundles.ts) `require` exists and this literal require() is the bundled library;
// in tsc's output (tests, tools) it is node's own require of the installed package.
const storageLibrary = (): StorageLibrary =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle's require, see above
  typeof require === 'function' ? (require('@google-cloud/storage') as StorageLibrary) : (createRequire(import.meta.url)('@google-cloud/storage') as StorageLibrary);

export function firestoreClient(config: Config): Firestore {
  // The client wraps every call in an OpenTelemetry span unless told otherwise; with no tracer
  // installed those are no-op spans that still cost ~5% of the API's CPU. An operator who traces sets it on.
  process.env.FIRESTORE_ENABLE_TRACING ??= 'off';
  return new Firestore({ projectId: config.GOOGLE_CLOUD_PROJECT, ignoreUndefinedProperties: true });
}

export function pubsubClient(config: Config): PubSub {
  return new PubSub({ projectId: config.GOOGLE_CLOUD_PROJECT });
}

export function storageClient(config: Config): Storage {
  return emulatorAwareStorage(config.GOOGLE_CLOUD_PROJECT);
}

/**
 * With STORAGE_EMULATOR_HOST set, @google-cloud/storage 7 uses it verbatim as the JSON API base (/b/…),
 * but fake-gcs-server serves the JSON API under /storage/v1: pin both endpoints.
 */
export function emulatorAwareStorage(projectId: string, emulatorHost = process.env.STORAGE_EMULATOR_HOST): Storage {
  const host = emulatorHost?.replace(/\/+$/, '').replace(/\/storage\/v1$/, '');
  const { Storage } = storageLibrary();
  if (!host) return new Storage({ projectId });
  const storage = new Storage({ projectId, apiEndpoint: host });
  storage.baseUrl = `${host}/storage/v1`;
  return storage;
}
