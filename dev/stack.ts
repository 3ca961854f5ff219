// The whole system on one machine: emulators, the model (real or the offline scripted one), every
// function under the Functions Framework on its own port, and the wiring GCP would have.
// `npm start` and the end-to-end tests both run it.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PubSub } from '@google-cloud/pubsub';
import { emulatorAwareStorage } from '../shared/clients.js';
import { parseConfig, type Config } from '../shared/config.js';
import { startProcess, type ManagedProcess } from './child-processes.js';
import { emulatorBinaries, ensureFakeGcs, startFakeGcs, startFirestoreEmulator, startPubSubEmulator } from './emulators.js';
import { freePort, isPortFree } from './free-port.js';
import { startLocalSchedules, type LocalSchedules } from './local-schedules.js';
import { startScriptedModel, type ScriptedModel } from './scripted-model.js';
import { FUNCTIONS, WORKER, type FunctionSpec } from './topology.js';
import { createLongLane } from './long-lane-wiring.js';
import { createBuckets, createTopicsAndSubscriptions } from './wiring.js';

export const DIST_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = path.resolve(DIST_ROOT, '..');

export interface StackPorts {
  functions: number;
  firestore: number;
  pubsub: number;
  storage: number;
}

/** Ports from firebase.json's `emulators` block (functions.port is the enqueue API). */
export function portsFromFirebaseJson(file = path.join(REPO_ROOT, 'firebase.json')): StackPorts {
  const json = JSON.parse(readFileSync(file, 'utf8')) as { emulators?: Record<string, { port?: number }> };
  const e = json.emulators ?? {};
  return { functions: e.functions?.port ?? 8080, firestore: e.firestore?.port ?? 8081, pubsub: e.pubsub?.port ?? 8085, storage: e.storage?.port ?? 4443 };
}

/** Function ports: enqueue on functions.port, the others on the next ports not taken by an emulator. */
export function functionPorts(ports: StackPorts): Record<FunctionSpec['name'], number> {
  const taken = new Set([ports.firestore, ports.pubsub, ports.storage]);
  const out = {} as Record<FunctionSpec['name'], number>;
  let next = ports.functions;
  for (const fn of FUNCTIONS) {
    while (taken.has(next)) next++;
    out[fn.name] = next++;
  }
  return out;
}

export interface StackOptions {
  /** 'fixed': firebase.json ports (npm start); 'free': any free ports (tests). */
  ports: 'fixed' | 'free';
  projectId?: string;
  /** Extra environment for every function (overrides the defaults below). */
  env?: Record<string, string>;
  /** Reuse running emulators (hosts as in *_EMULATOR_HOST) instead of starting new ones. */
  emulators?: { pubsub: string; firestore: string; storage: string };
  echo?: boolean;
  log?: (line: string) => void;
  /** Which functions to run (default: all). */
  only?: FunctionSpec['name'][];
  /** Run terraform/schedules.json on its crons, as Cloud Scheduler would (default true). */
  schedules?: boolean;
  /** Run the long-lane worker (default true; needs LONG_JOBS_TOPIC, which is on by default). */
  worker?: boolean;
}

export interface Stack {
  apiUrl: string;
  config: Config;
  env: Record<string, string>;
  devApiKey: string;
  functionUrls: Record<string, string>;
  model: { kind: 'offline'; server: ScriptedModel } | { kind: 'configured'; baseUrl: string };
  hosts: { pubsub: string; firestore: string; storage: string };
  processes: ManagedProcess[];
  schedules: LocalSchedules['schedules'];
  stop(): Promise<void>;
}

export const DEV_API_KEY = 'dev-key-codex-jobs-local';

async function waitForPort(port: number, proc: ManagedProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited (code ${proc.child.exitCode}):\n${proc.output().slice(-3000)}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${proc.name} did not listen on port ${port} in ${timeoutMs} ms:\n${proc.output().slice(-3000)}`);
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const log = options.log ?? (() => undefined);
  const processes: ManagedProcess[] = [];
  const stopAllStarted = async () => {
    await Promise.all([...processes].reverse().map((p) => p.stop()));
  };
  let model: ScriptedModel | undefined;
  try {
    const fixed = portsFromFirebaseJson();
    const ports: StackPorts =
      options.ports === 'fixed' ? fixed : { functions: await freePort(), firestore: await freePort(), pubsub: await freePort(), storage: await freePort() };
    const fnPorts: Record<FunctionSpec['name'], number> =
      options.ports === 'fixed' ? functionPorts(ports) : (Object.fromEntries(await Promise.all(FUNCTIONS.map(async (f) => [f.name, await freePort()]))) as Record<FunctionSpec['name'], number>);
    const wanted = FUNCTIONS.filter((f) => !options.only || options.only.includes(f.name));
    if (options.ports === 'fixed') {
      const mine = [...wanted.map((f) => [f.name, fnPorts[f.name]] as const), ...(options.emulators ? [] : (['firestore', 'pubsub', 'storage'] as const).map((k) => [k, ports[k]] as const))];
      for (const [name, port] of mine) {
        if (!(await isPortFree(port))) throw new Error(`port ${port} (${name}) is already in use: stop what holds it, or change the ports in firebase.json`);
      }
    }
    const project = options.projectId ?? 'codex-jobs-local';
    const base: Record<string, string> = { GOOGLE_CLOUD_PROJECT: project };
    const userEnv = { ...process.env, ...options.env };
    const preConfig = parseConfig({ ...userEnv, ...base });

    // Emulators.
    let hosts = options.emulators;
    if (!hosts) {
      const bins = emulatorBinaries();
      const gcsBin = ensureFakeGcs(log);
      log('starting the Firestore and Pub/Sub emulators and fake-gcs-server…');
      const [pubsubProc, firestoreProc] = await Promise.all([startPubSubEmulator(bins.pubsub, ports.pubsub), startFirestoreEmulator(bins.firestore, ports.firestore)]);
      processes.push(pubsubProc, firestoreProc);
      const pubsubHost = `127.0.0.1:${ports.pubsub}`;
      processes.push(await startFakeGcs(gcsBin, ports.storage, pubsubHost, { projectId: project, topic: preConfig.STORAGE_EVENTS_TOPIC, bucket: preConfig.UPLOADS_BUCKET }));
      hosts = { pubsub: pubsubHost, firestore: `127.0.0.1:${ports.firestore}`, storage: `http://127.0.0.1:${ports.storage}` };
    }

    // The model.
    let modelInfo: Stack['model'];
    const modelEnv: Record<string, string> = {};
    if (userEnv.OPENAI_API_KEY || userEnv.CODEX_PROVIDER_BASE_URL) {
      modelInfo = { kind: 'configured', baseUrl: userEnv.CODEX_PROVIDER_BASE_URL ?? 'https://api.openai.com/v1' };
    } else {
      model = await startScriptedModel();
      modelInfo = { kind: 'offline', server: model };
      Object.assign(modelEnv, { CODEX_PROVIDER_BASE_URL: model.url, OPENAI_API_KEY: 'offline-scripted-model', CODEX_MODEL: 'offline-scripted-model' });
    }

    const env: Record<string, string> = {
      API_KEYS: `dev:${DEV_API_KEY}`,
      ADMIN_KEYS: '',
      WEBHOOK_SECRET: 'whsec_' + Buffer.from('codex-jobs-local-dev-webhook-secret').toString('base64'),
      // Local receivers (127.0.0.1) are allowed in the local stack only.
      ALLOW_INSECURE_CALLBACKS: '1',
      CALLBACK_ALLOWLIST: '127.0.0.1,localhost',
      METADATA_SERVER_DETECTION: 'none',
      ...modelEnv,
      ...Object.fromEntries(Object.entries(options.env ?? {})),
      ...base,
      PUBSUB_EMULATOR_HOST: hosts.pubsub,
      FIRESTORE_EMULATOR_HOST: hosts.firestore,
      STORAGE_EMULATOR_HOST: hosts.storage,
    };
    const config = parseConfig({ ...process.env, ...env });

    // Functions.
    const serveFunction = path.join(DIST_ROOT, 'dev', 'serve-function.js');
    const functionUrls: Record<string, string> = {};
    await Promise.all(
      wanted.map(async (fn) => {
        const port = fnPorts[fn.name];
        const proc = await startProcess(fn.name, process.execPath, [serveFunction, fn.target, path.join(DIST_ROOT, fn.source), String(port)], {
          env: { ...process.env, ...env, HOST: '127.0.0.1', FUNCTION_TARGET: fn.target, K_SERVICE: fn.name },
          echo: options.echo ?? false,
        });
        processes.push(proc);
        await waitForPort(port, proc);
        functionUrls[fn.name] = `http://127.0.0.1:${port}`;
      }),
    );

    // Wiring, as Terraform does it in GCP.
    const pubsub = new PubSub({ projectId: project, apiEndpoint: hosts.pubsub });
    const storage = emulatorAwareStorage(project, hosts.storage);
    await createTopicsAndSubscriptions(pubsub, config, functionUrls);
    // The long lane: its topic and pull subscription, then the worker that holds the pull.
    await createLongLane(pubsub, config, functionUrls);
    if (options.worker !== false && config.LONG_JOBS_TOPIC) {
      processes.push(
        await startProcess(WORKER.name, process.execPath, [path.join(DIST_ROOT, WORKER.source)], {
          env: { ...process.env, ...env, HOST: '127.0.0.1', K_SERVICE: WORKER.name },
          echo: options.echo ?? false,
        }),
      );
    }
    await createBuckets(storage, config);
    const schedules =
      options.schedules === false
        ? undefined
        : await startLocalSchedules({ pubsub, config, file: path.join(REPO_ROOT, 'terraform', 'schedules.json'), log });
    if (!schedules) await pubsub.close();

    return {
      apiUrl: functionUrls.enqueue ?? '',
      config,
      env,
      devApiKey: DEV_API_KEY,
      functionUrls,
      model: modelInfo,
      hosts,
      processes,
      schedules: schedules?.schedules ?? [],
      stop: async () => {
        schedules?.stop();
        if (schedules) await pubsub.close();
        await stopAllStarted();
        await model?.close();
      },
    };
  } catch (err) {
    await stopAllStarted();
    await model?.close();
    throw err;
  }
}
