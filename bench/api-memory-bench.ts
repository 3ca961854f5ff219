// The enqueue instance's memory under the largest lists a tenant can ask for: 5 parallel
// GET /jobs?limit=100 over jobs that each hold a 100 000-character prompt, a big output_schema, the
// result's texts at the document's cut (64 KiB each) and a big structured_output. Peak RSS of the
// instance (its process, VmHWM, reset before each phase) side by side with two floors: 5 parallel
// GET /health, and 5 parallel lists of 100 small jobs. (GET /jobs/{id}/changes out of a big
// result.json is measured by test/integration/api/changes-stream-from-a-big-result.test.ts.)
// Env: BENCH_ROUNDS (rounds of 5 parallel requests per phase, default 4).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import { startProcess } from '../dev/child-processes.js';
import { emulatorBinaries, startFirestoreEmulator, startPubSubEmulator } from '../dev/emulators.js';
import { freePort } from '../dev/free-port.js';
import { newJobDocument, type JobDocument, type JobResult } from '../shared/jobs/job-document.js';
import { newJobId } from '../shared/jobs/job-id.js';
import { MAX_PROMPT_CHARS } from '../shared/jobs/job-request.js';
import { DOC_TEXT_LIMIT, JOBS_COLLECTION, toFirestore } from '../shared/store/firestore-job-store.js';
import { recordAim } from './bench-report.js';

export const description = 'peak RSS of the enqueue instance under 5 parallel largest-possible GET /jobs?limit=100, vs. GET /health and lists of small jobs';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PROJECT = 'bench-api-memory';
const MIB = 1024 * 1024;
const PARALLEL = 5;
const AIM_MIB = 64;

function status(pid: number): { rss: number; peak: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(text)![1]) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** The instance's peak RSS growth over `rounds` rounds of PARALLEL requests of `path` (each body read whole). */
async function phase(pid: number, url: string, key: string, p: string, rounds: number): Promise<{ growthMiB: number; bytes: number }> {
  writeFileSync(`/proc/${pid}/clear_refs`, '5'); // resets VmHWM to the current RSS
  const before = status(pid).rss;
  let bytes = 0;
  for (let r = 0; r < rounds; r++) {
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        const res = await fetch(`${url}${p}`, { headers: { 'x-api-key': key } });
        const body = await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`GET ${p}: ${res.status} ${Buffer.from(body).toString('utf8').slice(0, 200)}`);
        bytes = body.byteLength;
      }),
    );
  }
  return { growthMiB: (status(pid).peak - before) / MIB, bytes };
}

/** A finished job as big as a tenant can make it. */
function bigJob(owner: string, i: number): JobDocument {
  const text = (c: string, n: number) => c.repeat(n);
  const doc = newJobDocument(
    {
      job_id: newJobId(),
      owner,
      prompt: text('p', MAX_PROMPT_CHARS),
      timeout_ms: 60_000,
      priority: 'normal',
      metadata: { bench: String(i) },
      callback_url: null,
      session_id: null,
      output_schema: { type: 'object', description: text('s', 200_000) },
      max_total_tokens: null,
      source: 'http',
      source_ref: null,
      created_at: new Date(Date.now() - i * 1000).toISOString(),
    },
    1,
  );
  const files = Array.from({ length: 50 }, (_, f) => `out/file-${f}.txt`);
  const result: JobResult = {
    exit_code: 0,
    final_message: text('f', DOC_TEXT_LIMIT),
    stdout: text('o', DOC_TEXT_LIMIT),
    stderr: text('e', DOC_TEXT_LIMIT),
    structured_output: { blob: text('j', 120_000) },
    execution_time_ms: 1000,
    output_files: files,
    created_files: files.map((f) => ({ filename: f, size_bytes: 10, content_type: 'text/plain', storage_path: `gs://b/jobs/x/outputs/${f}` })),
    usage: { input_tokens: 1, cached_input_tokens: 0, output_tokens: 1, reasoning_output_tokens: 0, total_tokens: 2 },
    thread_id: null,
  };
  return { ...doc, status: 'completed', completed_at: doc.created_at, result };
}

async function seed(db: Firestore, jobs: JobDocument[]): Promise<void> {
  for (let i = 0; i < jobs.length; i += 4) {
    const batch = db.batch();
    for (const job of jobs.slice(i, i + 4)) batch.create(db.collection(JOBS_COLLECTION).doc(job.job_id), toFirestore(job));
    await batch.commit();
  }
}

export async function run(): Promise<void> {
  const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 4));
  const bins = emulatorBinaries();
  const [firestorePort, pubsubPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  await Promise.all([startFirestoreEmulator(bins.firestore, firestorePort), startPubSubEmulator(bins.pubsub, pubsubPort)]);
  const hosts = { FIRESTORE_EMULATOR_HOST: `127.0.0.1:${firestorePort}`, PUBSUB_EMULATOR_HOST: `127.0.0.1:${pubsubPort}` };
  Object.assign(process.env, hosts, { METADATA_SERVER_DETECTION: 'none' });
  const db = new Firestore({ projectId: PROJECT, ignoreUndefinedProperties: true });
  const pubsub = new PubSub({ projectId: PROJECT });
  await Promise.all(['codex-jobs', 'codex-jobs-priority'].map((t) => pubsub.createTopic(t)));
  const big = Array.from({ length: 101 }, (_, i) => bigJob('big', i));
  const small = Array.from({ length: 101 }, (_, i) => newJobDocument({ ...bigJob('small', i), prompt: 'Write hello.txt', output_schema: null }, 1));
  await seed(db, [...big, ...small]);
  const docBytes = Buffer.byteLength(JSON.stringify(big[0]));
  console.log(`seeded 101 jobs of ${(docBytes / 1024).toFixed(0)} KiB (as JSON) and 101 small ones`);

  const env = { ...process.env, ...hosts, GOOGLE_CLOUD_PROJECT: PROJECT, API_KEYS: 'big:big-key,small:small-key', RATE_LIMIT_PER_MINUTE: '1000000', LOG_LEVEL: 'WARNING' };
  const fn = await startProcess('enqueue', process.execPath, [path.join(dist, 'dev/serve-function.js'), 'enqueue', path.join(dist, 'functions/enqueue/index.js'), String(apiPort)], { env, readyPattern: /listening on/ });
  const url = `http://127.0.0.1:${apiPort}`;
  const pid = fn.child.pid!;
  try {
    // Warm-up: every route's modules loaded, connections open, one of each request answered.
    for (const [key, p] of [['big-key', '/health'], ['small-key', '/jobs?limit=100'], ['big-key', '/jobs?limit=100']] as const) await phase(pid, url, key, p, 1);
    const health = await phase(pid, url, 'big-key', '/health', rounds);
    const smallList = await phase(pid, url, 'small-key', '/jobs?limit=100', rounds);
    const bigList = await phase(pid, url, 'big-key', '/jobs?limit=100', rounds);
    console.log(`instance RSS now ${(status(pid).rss / MIB).toFixed(0)} MiB; peak RSS growth over ${rounds} rounds of ${PARALLEL} parallel requests:`);
    console.log(`  GET /health (floor)                          ${health.growthMiB.toFixed(1).padStart(6)} MiB`);
    console.log(`  GET /jobs?limit=100, small jobs (floor)      ${smallList.growthMiB.toFixed(1).padStart(6)} MiB  (${(smallList.bytes / 1024).toFixed(0)} KiB per response)`);
    console.log(`  GET /jobs?limit=100, largest jobs            ${bigList.growthMiB.toFixed(1).padStart(6)} MiB  (${(bigList.bytes / 1024).toFixed(0)} KiB per response; ${((docBytes * 100) / MIB).toFixed(0)} MiB of documents)`);
    recordAim({ benchmark: 'api-memory', name: `peak RSS growth, ${PARALLEL} parallel largest GET /jobs?limit=100 (floor GET /health ${health.growthMiB.toFixed(1)} MiB, small lists ${smallList.growthMiB.toFixed(1)} MiB)`, measured: bigList.growthMiB, unit: 'MiB', aim: AIM_MIB });
  } finally {
    await fn.stop();
    await Promise.allSettled([db.terminate(), pubsub.close()]);
  }
}
