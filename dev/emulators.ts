// The local stand-ins for Google Cloud: the SDK's Firestore and Pub/Sub emulators (started directly,
// not through the gcloud wrapper) and fake-gcs-server for Cloud Storage, installed with `go install`
// into a cache folder the first time. A missing prerequisite stops start-up with one line saying
// what to install.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startProcess, type ManagedProcess } from './child-processes.js';
import { cacheDir, ensureGoBinary, which } from './go-binaries.js';
import { PrerequisiteError } from './prerequisite-error.js';

export const FAKE_GCS_MODULE = 'github.com/fsouza/fake-gcs-server';
export const FAKE_GCS_VERSION = 'v1.56.1';

export { PrerequisiteError };

export function javaMajorVersion(): number | undefined {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  const m = /version "(\d+)(?:\.(\d+))?/.exec(r.stderr + r.stdout);
  if (!m) return undefined;
  return m[1] === '1' ? Number(m[2]) : Number(m[1]);
}

export function sdkRoot(): string | undefined {
  const candidates = [process.env.CLOUDSDK_ROOT_DIR, '/usr/lib/google-cloud-sdk', '/usr/share/google-cloud-sdk', '/opt/google-cloud-sdk', path.join(os.homedir(), 'google-cloud-sdk')];
  for (const c of candidates) if (c && existsSync(path.join(c, 'platform'))) return c;
  if (which('gcloud')) {
    try {
      const root = execFileSync('gcloud', ['info', '--format=value(installation.sdk_root)'], { encoding: 'utf8', timeout: 20_000 }).trim();
      if (root && existsSync(root)) return root;
    } catch {
      // fall through to the error below
    }
  }
  return undefined;
}

const INSTALL_SDK = 'install the Google Cloud SDK (https://cloud.google.com/sdk/docs/install), then: gcloud components install pubsub-emulator cloud-firestore-emulator (or apt-get install google-cloud-cli-pubsub-emulator google-cloud-cli-firestore-emulator)';

export interface EmulatorBinaries {
  pubsub: string;
  firestore: string;
}

/** The emulator launchers, or a PrerequisiteError naming what is missing and how to install it. */
export function emulatorBinaries(): EmulatorBinaries {
  const java = javaMajorVersion();
  if (java === undefined) throw new PrerequisiteError('Java is missing: the Firestore and Pub/Sub emulators need Java 17 or newer (e.g. apt-get install openjdk-17-jre-headless).');
  if (java < 17) throw new PrerequisiteError(`Java ${java} is too old: the Firestore and Pub/Sub emulators need Java 17 or newer (e.g. apt-get install openjdk-17-jre-headless).`);
  const root = sdkRoot();
  if (!root) throw new PrerequisiteError(`The Google Cloud SDK is missing: ${INSTALL_SDK}.`);
  const pubsub = path.join(root, 'platform/pubsub-emulator/bin/cloud-pubsub-emulator');
  const firestore = path.join(root, 'platform/cloud-firestore-emulator/cloud_firestore_emulator');
  if (!existsSync(pubsub)) throw new PrerequisiteError(`The Pub/Sub emulator is missing from ${root}: gcloud components install pubsub-emulator`);
  if (!existsSync(firestore)) throw new PrerequisiteError(`The Firestore emulator is missing from ${root}: gcloud components install cloud-firestore-emulator`);
  return { pubsub, firestore };
}

export { cacheDir };

/** fake-gcs-server from PATH or the cache; built there with `go install` when absent. */
export function ensureFakeGcs(log: (line: string) => void = () => undefined): string {
  return ensureGoBinary({ name: 'fake-gcs-server', module: FAKE_GCS_MODULE, version: FAKE_GCS_VERSION, how: 'install', about: 'about a minute', fromPath: true }, log);
}

/** A last-resort guard: emulators are ready when they say so; a loaded machine may take minutes for a JVM. */
const READY_GUARD_MS = 300_000;

export async function startPubSubEmulator(bin: string, port: number): Promise<ManagedProcess> {
  return startProcess('pubsub-emulator', bin, [`--host=127.0.0.1`, `--port=${port}`], { readyPattern: /Server started/, readyTimeoutMs: READY_GUARD_MS });
}

export async function startFirestoreEmulator(bin: string, port: number, rulesFile?: string): Promise<ManagedProcess> {
  const args = ['start', '--host=127.0.0.1', `--port=${port}`, ...(rulesFile ? [`--rules=${rulesFile}`] : [])];
  return startProcess('firestore-emulator', bin, args, { readyPattern: /is now running/, readyTimeoutMs: READY_GUARD_MS });
}

export interface FakeGcsEvents {
  projectId: string;
  topic: string;
  bucket?: string;
}

export async function startFakeGcs(bin: string, port: number, pubsubHost: string | undefined, events?: FakeGcsEvents): Promise<ManagedProcess> {
  const args = ['-scheme', 'http', '-host', '127.0.0.1', '-port', String(port), '-backend', 'memory', '-log-level', 'warn', '-external-url', `http://127.0.0.1:${port}`];
  if (events) {
    args.push('-event.pubsub-project-id', events.projectId, '-event.pubsub-topic', events.topic, '-event.list', 'finalize,delete');
    if (events.bucket) args.push('-event.bucket', events.bucket);
  }
  const proc = await startProcess('fake-gcs-server', bin, args, { env: { ...process.env, ...(pubsubHost ? { PUBSUB_EMULATOR_HOST: pubsubHost } : {}) } });
  // fake-gcs-server prints nothing reliable when ready at -log-level warn: poll its API.
  const deadline = Date.now() + READY_GUARD_MS;
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/storage/v1/b`);
      if (r.ok) return proc;
    } catch {
      // not listening yet
    }
    if (proc.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await proc.stop();
  throw new Error(`fake-gcs-server did not start on port ${port}: ${proc.output().slice(-1000)}`);
}
