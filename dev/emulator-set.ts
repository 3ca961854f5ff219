// The three emulators on free ports, for the test runner and the benchmarks: started together,
// stopped together, and their hosts in the standard *_EMULATOR_HOST form.
import type { ManagedProcess } from './child-processes.js';
import { emulatorBinaries, ensureFakeGcs, startFakeGcs, startFirestoreEmulator, startPubSubEmulator } from './emulators.js';
import { freePort } from './free-port.js';

export interface EmulatorSet {
  hosts: { pubsub: string; firestore: string; storage: string };
  /** PUBSUB_EMULATOR_HOST, FIRESTORE_EMULATOR_HOST, STORAGE_EMULATOR_HOST for child processes. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startEmulators(log: (line: string) => void = () => undefined): Promise<EmulatorSet> {
  const bins = emulatorBinaries();
  const gcsBin = ensureFakeGcs(log);
  const [pubsubPort, firestorePort, storagePort] = [await freePort(), await freePort(), await freePort()];
  const started: ManagedProcess[] = [];
  try {
    started.push(...(await Promise.all([startPubSubEmulator(bins.pubsub, pubsubPort), startFirestoreEmulator(bins.firestore, firestorePort)])));
    started.push(await startFakeGcs(gcsBin, storagePort, `127.0.0.1:${pubsubPort}`));
  } catch (err) {
    await Promise.all(started.map((p) => p.stop()));
    throw err;
  }
  const hosts = { pubsub: `127.0.0.1:${pubsubPort}`, firestore: `127.0.0.1:${firestorePort}`, storage: `http://127.0.0.1:${storagePort}` };
  return {
    hosts,
    env: { PUBSUB_EMULATOR_HOST: hosts.pubsub, FIRESTORE_EMULATOR_HOST: hosts.firestore, STORAGE_EMULATOR_HOST: hosts.storage, METADATA_SERVER_DETECTION: 'none' },
    stop: async () => {
      await Promise.all(started.map((p) => p.stop()));
    },
  };
}
