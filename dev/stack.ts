// The whole system on one machine: emulators, the model (real or the offline scripted one), every
// function under the Functions Framework on its own port, and the wiring GCP would have.
// `npm start` and the end-to-end tests both run it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PubSub } from '@google-cloud/pubsub';
import { emulatorAwareStorage } from '../shared/clients.js';
import { parseConfig, type Config } from '../shared/config.js';
import { startProcess, type ManagedProcess } from './child-processes.js';
import { superviseFunction, type SupervisedFunction } from './function-supervisor.js';
import { emulatorBinaries, ensureFakeGcs, startFakeGcs, startFirestoreEmulator, startPubSubEmulator } from './emulators.js';
import { freePort, isPortFree } from './free-port.js';
import { startLocalSchedules, type LocalSchedules } from './local-schedules.js';
import { DEFAULT_SWEEPS_TOPIC, startLocalSweeps, type LocalSweeps } from './local-sweeps.js';
import { startScriptedModel, type ScriptedModel } from './scripted-model.js';
import { DEV_API_KEY, resolveStackEnv, type StackApiKeys } from './stack-env.js';
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
  /** The project (wins over GOOGLE_CLOUD_PROJECT). */
  projectId?: string;
  /** Extra environment for every function; wins over the user's environment and the defaults. */
  env?: Record<string, string>;
  /**
   * The variables the user set, which win over the local defaults (API_KEYS, WEBHOOK_SECRET, the
   * project, topics, buckets, allowlists, …). Default: process.env for fixed ports (npm start),
   * none for free ports (tests, which say what they want in `env`).
   */
  userEnv?: NodeJS.ProcessEnv;
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
  /** Publish to SWEEPS_TOPIC every SWEEP_INTERVAL_MS, as Cloud Scheduler does for the sweeper (default true). */
  sweeps?: boolean;
}

export interface Stack {
  apiUrl: string;
  config: Config;
  env: Record<string, string>;
  /** The local dev key when the stack made API_KEYS; '' when the user's API_KEYS are in force. */
  devApiKey: string;
  /** Which keys the API accepts: the dev key, or the user's (by name only). */
  apiKeys: StackApiKeys;
  /** Variables the stack filled with its local defaults because the user left them unset. */
  defaulted: string[];
  functionUrls: Record<string, string>;
  model: { kind: 'offline'; server: ScriptedModel } | { kind: 'configured'; baseUrl: string };
  hosts: { pubsub: string; firestore: string; storage: string };
  /** Every process of the stack; a function's entry is replaced by its new process after a restart. */
  processes: ManagedProcess[];
  /** The function processes, restarted when they die. */
  functions: Partial<Record<FunctionSpec['name'], SupervisedFunction>>;
  schedules: LocalSchedules['schedules'];
  sweeps: LocalSweeps | undefined;
  stop(): Promise<void>;
}

export { DEV_API_KEY };

/** A last-resort guard only: a function is ready when it says it listens (serve-function.ts), or fails when it exits. */
const FUNCTION_READY_GUARD_MS = 300_000;

export async function startStack(options: StackOptions): Promise<Stack> {
  const log = options.log ?? (() => undefined);
  const processes: ManagedProcess[] = [];
  const functions: Stack['functions'] = {};
  const stopAllStarted = async () => {
    // Supervisors first, so a function stopped on purpose is not started again.
    await Promise.all(Object.values(functions).map((f) => f.stop()));
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
    // The model: the user's, or the offline scripted one.
    const userEnv = options.userEnv ?? (options.ports === 'fixed' ? process.env : {});
    const given = { ...userEnv, ...options.env };
    let modelInfo: Stack['model'];
    const modelEnv: Record<string, string> = {};
    if (given.OPENAI_API_KEY || given.CODEX_PROVIDER_BASE_URL) {
      modelInfo = { kind: 'configured', baseUrl: given.CODEX_PROVIDER_BASE_URL || 'https://api.openai.com/v1' };
    } else {
      model = await startScriptedModel();
      modelInfo = { kind: 'offline', server: model };
      Object.assign(modelEnv, { CODEX_PROVIDER_BASE_URL: model.url, OPENAI_API_KEY: 'offline-scripted-model', CODEX_MODEL: 'offline-scripted-model' });
    }
    const resolved = resolveStackEnv({ user: userEnv, overrides: options.env, projectId: options.projectId, model: modelEnv });
    const project = resolved.project;
    const preConfig = parseConfig({ ...process.env, ...resolved.env });

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

    const env: Record<string, string> = {
      ...resolved.env,
      PUBSUB_EMULATOR_HOST: hosts.pubsub,
      FIRESTORE_EMULATOR_HOST: hosts.firestore,
      STORAGE_EMULATOR_HOST: hosts.storage,
    };
    const config = parseConfig({ ...process.env, ...env });

    // Functions, each kept running as Cloud Run keeps a service.
    const serveFunction = path.join(DIST_ROOT, 'dev', 'serve-function.js');
    const functionUrls: Record<string, string> = {};
    await Promise.all(
      wanted.map(async (fn) => {
        const port = fnPorts[fn.name];
        const start = (instancePort: number) =>
          startProcess(fn.name, process.execPath, [serveFunction, fn.target, path.join(DIST_ROOT, fn.source), String(instancePort)], {
            env: { ...process.env, ...env, HOST: '127.0.0.1', FUNCTION_TARGET: fn.target, K_SERVICE: fn.name },
            echo: options.echo ?? false,
            readyPattern: /^function \S+ listening on /m,
            readyTimeoutMs: FUNCTION_READY_GUARD_MS,
          });
        const supervised = await superviseFunction({
          name: fn.name,
          port,
          start,
          log,
          onRestart: (previous, next) => processes.splice(processes.indexOf(previous), 1, next),
        });
        processes.push(supervised.current());
        functions[fn.name] = supervised;
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
    // The sweeper's schedule: topic SWEEPS_TOPIC every SWEEP_INTERVAL_MS.
    const sweeps =
      options.sweeps === false
        ? undefined
        : await startLocalSweeps({ pubsub, topic: env.SWEEPS_TOPIC || DEFAULT_SWEEPS_TOPIC, intervalMs: config.SWEEP_INTERVAL_MS, log });
    if (!schedules && !sweeps) await pubsub.close();

    return {
      apiUrl: functionUrls.enqueue ?? '',
      config,
      env,
      devApiKey: resolved.apiKeys.devKey ?? '',
      apiKeys: resolved.apiKeys,
      defaulted: resolved.defaulted,
      functionUrls,
      model: modelInfo,
      hosts,
      processes,
      functions,
      schedules: schedules?.schedules ?? [],
      sweeps,
      stop: async () => {
        schedules?.stop();
        sweeps?.stop();
        if (schedules || sweeps) await pubsub.close();
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
