// The long-lane worker as its own OS process (`node dist/functions/worker.js`) against the emulators,
// the real codex binary and a scripted model. Jobs are submitted as producers do: a document and a
// message published through PubSubJobQueue, so the lane rule (job-lane.ts) routes them.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startProcess, type ManagedProcess } from '../../dev/child-processes.js';
import { createLongLane } from '../../dev/long-lane-wiring.js';
import { startScriptedModel, type ModelReply, type ModelRequest, type ScriptedModel } from '../../dev/scripted-model.js';
import { DIST_ROOT } from '../../dev/stack.js';
import { newJobDocument, specFromRequest, type JobDocument } from '../../shared/jobs/job-document.js';
import { newJobId } from '../../shared/jobs/job-id.js';
import { laneFor, timeoutLimits } from '../../shared/jobs/job-lane.js';
import { messageFromJob } from '../../shared/jobs/job-message.js';
import { jobRequestSchema, type JobRequestInput } from '../../shared/jobs/job-request.js';
import { processIsolation } from '../../shared/codex/process-isolation.js';
import { PubSubJobQueue } from '../../shared/queue/pubsub-job-queue.js';
import { FirestoreJobStore } from '../../shared/store/firestore-job-store.js';
import { killLikeACrash } from './kill-like-a-crash.js';
import { collectTopic, eventually, testEnv, type TestEnv } from './test-env.js';
import { waitForJob } from './wait-for-job.js';

export interface WorkerLogLine {
  severity: string;
  message: string;
  job_id?: string;
  outcome?: string;
  reason?: string;
  holder?: string;
  [key: string]: unknown;
}

export interface WorkerProcess {
  proc: ManagedProcess;
  /** The JSON lines it has logged so far. */
  lines(): WorkerLogLine[];
  /** Its per-message lines (`job message acked|nacked|given_back`) for one job. */
  handled(jobId: string): WorkerLogLine[];
  /** Waits until it has logged `count` handled messages for the job. */
  waitHandled(jobId: string, count?: number): Promise<WorkerLogLine[]>;
  exited: Promise<number | null>;
  stop(): Promise<void>;
  /** SIGKILL as a crashed instance dies (only for a worker started with ownNamespace); resolves once everything it started is gone. */
  crash(): Promise<void>;
}

export interface WorkerHarness {
  env: TestEnv;
  model: ScriptedModel;
  store: FirestoreJobStore;
  results: Awaited<ReturnType<typeof collectTopic>>;
  /** Starts a worker process; `extraEnv` adds to the harness environment. */
  /** ownNamespace: the worker runs as init of its own PID namespace, as in a container, so crash() ends all of it. */
  startWorker(name: string, extraEnv?: Record<string, string>, options?: { ownNamespace?: boolean }): Promise<WorkerProcess>;
  submit(request: JobRequestInput): Promise<JobDocument>;
  waitForJob(jobId: string, predicate?: (job: JobDocument) => boolean): Promise<JobDocument>;
  close(): Promise<void>;
}

/** Long-lane jobs in tests: MAX_JOB_TIMEOUT_MS is lowered so a one-minute timeout_ms is already "long". */
export const LONG_TIMEOUT_MS = 120_000;

export async function workerHarness(overrides: Record<string, string> = {}, options: { reply?: (r: ModelRequest) => ModelReply | Promise<ModelReply>; ackDeadlineSeconds?: number } = {}): Promise<WorkerHarness> {
  const model = await startScriptedModel(options.reply ? { reply: options.reply } : {});
  const env = await testEnv({
    CODEX_PROVIDER_BASE_URL: model.url,
    OPENAI_API_KEY: 'scripted-model-key',
    CODEX_MODEL: 'scripted',
    MAX_JOB_TIMEOUT_MS: '60000',
    ...overrides,
  });
  await env.pubsub.createTopic(env.config.RESULTS_TOPIC);
  await createLongLane(env.pubsub, env.config, {}, { retry: { min: 1, max: 2 }, ...(options.ackDeadlineSeconds ? { ackDeadlineSeconds: options.ackDeadlineSeconds } : {}) });
  const store = new FirestoreJobStore(env.firestore, env.config.JOB_TTL_DAYS);
  const queue = new PubSubJobQueue(env.pubsub, env.config);
  const results = await collectTopic(env.pubsub, env.config.RESULTS_TOPIC);
  const workers: WorkerProcess[] = [];
  const tmpDirs: string[] = [];
  return {
    env,
    model,
    store,
    results,
    async startWorker(name, extraEnv = {}, options = {}) {
      // Its own TMPDIR: a SIGKILLed worker cannot remove its job folders (in GCP they die with the instance).
      const tmp = mkdtempSync(path.join(os.tmpdir(), `worker-${name}-`));
      tmpDirs.push(tmp);
      const isolation = await processIsolation();
      const command = [...(options.ownNamespace ? isolation.prefix : []), process.execPath, path.join(DIST_ROOT, 'functions/worker.js')];
      const proc = await startProcess(name, command[0]!, command.slice(1), {
        env: { ...process.env, ...env.env, LOG_LEVEL: 'INFO', HOST: '127.0.0.1', TMPDIR: tmp, ...extraEnv },
        readyPattern: /"message":"worker pulling"/,
      });
      // 'close', not 'exit': the last lines it printed are read by then.
      const exited = new Promise<number | null>((resolve) => proc.child.once('close', (code) => resolve(code)));
      const lines = () =>
        proc
          .output()
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .flatMap((l) => {
            try {
              return [JSON.parse(l) as WorkerLogLine];
            } catch {
              return [];
            }
          });
      const worker: WorkerProcess = {
        proc,
        lines,
        handled: (jobId) => lines().filter((l) => l.job_id === jobId && /^job message (acked|nacked|given_back)$/.test(l.message)),
        exited,
        stop: () => proc.stop(),
        async crash() {
          if (!options.ownNamespace) throw new Error(`${name} was not started in its own namespace: a crash would leave its turn running`);
          killLikeACrash(proc.child.pid!, isolation);
          await exited;
        },
        waitHandled: (jobId, count = 1) => eventually(() => (worker.handled(jobId).length >= count ? worker.handled(jobId) : undefined), `${name} to log ${count} handled message(s) of ${jobId}`, 60_000, 50),
      };
      workers.push(worker);
      return worker;
    },
    async submit(request) {
      const parsed = jobRequestSchema(timeoutLimits(env.config)).parse(request);
      const job = newJobDocument(specFromRequest(parsed, { job_id: newJobId(), owner: 'alice', source: 'http', source_ref: null, lane: laneFor(parsed, env.config) }), env.config.JOB_TTL_DAYS);
      await store.create(job);
      await queue.publishJob(messageFromJob(job));
      return job;
    },
    waitForJob: (jobId, predicate) => waitForJob(env.firestore, jobId, predicate, 180_000),
    async close() {
      await Promise.all(workers.map((w) => w.stop()));
      await results.stop();
      await queue.close();
      await env.close();
      await model.close();
      for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
    },
  };
}
