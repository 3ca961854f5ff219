// POST /jobs against the emulators: the enqueue function (served by the Functions Framework in its
// own process, as deployed) under autocannon, side by side with the floors, bare loops doing what a
// submit must do at least: one Firestore create and one Pub/Sub publish, concurrently (the parallel
// floor), and the same one after the other (the sequential floor). The submit guarantee needs the
// document before the message (shared/api/queue-submitted-job.ts), so one submit's latency cannot go
// below the sequential floor; the parallel one is what no submit could beat at all.
// Beside it, the same API with tracing on (every request a job.submit span, exported over OTLP/HTTP
// protobuf to a sink in this process), so tracing's cost shows against the default, tracing off.
// Env: BENCH_SECONDS (per measurement, default 8), BENCH_ROUNDS (alternating rounds per concurrency, default 3).
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import autocannon from 'autocannon';
import { startProcess } from '../dev/child-processes.js';
import { emulatorBinaries, startFirestoreEmulator, startPubSubEmulator } from '../dev/emulators.js';
import { freePort } from '../dev/free-port.js';
import { newJobDocument } from '../shared/jobs/job-document.js';
import { newJobId } from '../shared/jobs/job-id.js';
import { messageFromJob } from '../shared/jobs/job-message.js';
import { recordAim, recordLatencies } from './bench-report.js';
import { samplesFromPercentiles } from './percentile-samples.js';
import { quantileSamples, runAutocannon } from './autocannon-samples.js';

export const description = 'POST /jobs latency and throughput vs. a bare Firestore create + Pub/Sub publish';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PROJECT = 'bench-codex-jobs';
const KEY = 'bench-key';
const BODY = JSON.stringify({ prompt: 'Write hello.txt containing hello', priority: 'normal', metadata: { bench: '1' } });

interface Row {
  what: string;
  concurrency: number;
  p50: number;
  p99: number;
  rps: number;
  errors: number;
  /** Latencies (ms) for the distribution plot: raw for the floor, rebuilt from autocannon's percentiles for the API. */
  samples: number[];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** The floor: `concurrency` loops, each doing create ∥ publish of a fresh job (or create, then publish: `sequential`), for `seconds`. */
async function floor(db: Firestore, pubsub: PubSub, concurrency: number, seconds: number, sequential = false): Promise<Row> {
  const topic = pubsub.topic('codex-jobs', { batching: { maxMessages: 1, maxMilliseconds: 0 } });
  const latencies: number[] = [];
  let errors = 0;
  const one = async () => {
    const job = newJobDocument(
      { job_id: newJobId(), owner: 'bench', prompt: 'Write hello.txt containing hello', timeout_ms: 30_000, priority: 'normal', metadata: { bench: '1' }, callback_url: null, session_id: null, output_schema: null, max_total_tokens: null, source: 'http', source_ref: null, created_at: new Date().toISOString() },
      30,
    );
    const started = performance.now();
    try {
      const create = () => db.collection('jobs').doc(job.job_id).create(job);
      const publish = () => topic.publishMessage({ data: Buffer.from(JSON.stringify(messageFromJob(job))), attributes: { job_id: job.job_id, priority: job.priority, source: job.source } });
      if (sequential) {
        await create();
        await publish();
      } else await Promise.all([create(), publish()]);
      latencies.push(performance.now() - started);
    } catch {
      errors++;
    }
  };
  for (let i = 0; i < concurrency * 5; i++) await one(); // warm-up
  latencies.length = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline) await one();
  }));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { what: sequential ? SEQUENTIAL_FLOOR : 'floor (create ∥ publish)', concurrency, p50: percentile(latencies, 50), p99: percentile(latencies, 99), rps: latencies.length / elapsed, errors, samples: [...latencies] };
}

const TRACED = 'API POST /jobs, tracing on (OTLP)';

/** An OTLP/HTTP sink: takes every export and answers success, counting the bytes (no decoding: the bench measures the sender). */
async function otlpSink(): Promise<{ url: string; bytes: () => number; close: () => Promise<void> }> {
  let bytes = 0;
  const server = http.createServer((req, res) => {
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bytes: () => bytes,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

async function api(url: string, concurrency: number, seconds: number, idempotent: boolean, what?: string): Promise<Row> {
  const options = {
    url: `${url}/jobs`,
    method: 'POST' as const,
    connections: concurrency,
    headers: { 'content-type': 'application/json', 'x-api-key': KEY },
    body: BODY,
    ...(idempotent ? { requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, headers: { ...(req.headers as object), 'idempotency-key': randomUUID() } }) }] } : {}),
  };
  await autocannon({ ...options, amount: concurrency * 5 }); // warm-up
  // Each response's own time (autocannon's histogram keeps whole milliseconds: too coarse at c=1).
  const { result, latencies } = await runAutocannon({ ...options, duration: seconds });
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    what: what ?? (idempotent ? 'API POST /jobs + Idempotency-Key' : 'API POST /jobs'),
    concurrency,
    p50: sorted.length ? percentile(sorted, 50) : result.latency.p50,
    p99: sorted.length ? percentile(sorted, 99) : result.latency.p99,
    rps: result.requests.average,
    errors: result.errors + result.non2xx,
    samples: sorted.length ? quantileSamples(sorted) : samplesFromPercentiles(result.latency as unknown as Record<string, number>),
  };
}

const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const SEQUENTIAL_FLOOR = 'floor (create, then publish)';

/** The round with the median throughput (its latencies come with it). */
function medianRound(rounds: Row[]): Row {
  const sorted = [...rounds].sort((a, b) => a.rps - b.rps);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function table(rows: Row[]): string {
  const floors = new Map(rows.filter((r) => r.what === 'floor (create ∥ publish)').map((r) => [r.concurrency, r]));
  const sequential = new Map(rows.filter((r) => r.what === SEQUENTIAL_FLOOR).map((r) => [r.concurrency, r]));
  const lines = [['measurement', 'conc.', 'p50 ms', 'p99 ms', 'req/s', 'errors', 'p50 ÷ floor', 'p50 ÷ seq. floor'].join(' | ')];
  for (const r of rows) {
    const f = floors.get(r.concurrency);
    const q = sequential.get(r.concurrency);
    lines.push([r.what.padEnd(34), String(r.concurrency).padStart(5), r.p50.toFixed(2).padStart(7), r.p99.toFixed(2).padStart(7), r.rps.toFixed(0).padStart(6), String(r.errors).padStart(6), f ? (r.p50 / f.p50).toFixed(2) + '×' : '', q ? (r.p50 / q.p50).toFixed(2) + '×' : ''].join(' | '));
  }
  return lines.join('\n');
}

export async function run(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 8);
  const bins = emulatorBinaries();
  const [firestorePort, pubsubPort, apiPort, tracedPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  await Promise.all([startFirestoreEmulator(bins.firestore, firestorePort), startPubSubEmulator(bins.pubsub, pubsubPort)]);
  const hosts = { FIRESTORE_EMULATOR_HOST: `127.0.0.1:${firestorePort}`, PUBSUB_EMULATOR_HOST: `127.0.0.1:${pubsubPort}` };
  Object.assign(process.env, hosts, { METADATA_SERVER_DETECTION: 'none' });
  const db = new Firestore({ projectId: PROJECT, ignoreUndefinedProperties: true });
  const pubsub = new PubSub({ projectId: PROJECT });
  await Promise.all(['codex-jobs', 'codex-jobs-priority'].map((t) => pubsub.createTopic(t)));
  // Past the limit the API would answer 429: a limit no run reaches, so every request pays the limiter's cost.
  const env = { ...process.env, ...hosts, GOOGLE_CLOUD_PROJECT: PROJECT, API_KEYS: `bench:${KEY}`, RATE_LIMIT_PER_MINUTE: '1000000', LOG_LEVEL: process.env.LOG_LEVEL ?? 'INFO' };
  const fn = await startProcess('enqueue', process.execPath, [path.join(dist, 'dev/serve-function.js'), 'enqueue', path.join(dist, 'functions/enqueue/index.js'), String(apiPort)], {
    env,
    readyPattern: /listening on/,
  });
  // The same function with tracing on: OTLP/HTTP protobuf to the sink.
  const sink = await otlpSink();
  const traced = await startProcess('enqueue-traced', process.execPath, [path.join(dist, 'dev/serve-function.js'), 'enqueue', path.join(dist, 'functions/enqueue/index.js'), String(tracedPort)], {
    env: { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' },
    readyPattern: /listening on/,
  });
  const url = `http://127.0.0.1:${apiPort}`;
  const tracedUrl = `http://127.0.0.1:${tracedPort}`;
  console.log(`emulators and the enqueue function are up; ${seconds} s per measurement`);
  const rows: Row[] = [];
  try {
    // Rounds alternate which side goes first, and each side's median round is kept: on a shared
    // machine one measurement alone swings by 2× with the load of the moment.
    for (const concurrency of [1, 32]) {
      // At c=1 the sequential floor too: one submit's latency is measured against it. Tracing on beside off.
      const sides = [() => floor(db, pubsub, concurrency, seconds), () => api(url, concurrency, seconds, false), () => api(url, concurrency, seconds, true), () => api(tracedUrl, concurrency, seconds, false, TRACED), ...(concurrency === 1 ? [() => floor(db, pubsub, concurrency, seconds, true)] : [])];
      const rounds: Row[][] = sides.map(() => []);
      for (let round = 0; round < ROUNDS; round++) {
        const forward = sides.map((_, i) => i);
        const order = round % 2 === 0 ? forward : forward.reverse();
        for (const i of order) rounds[i]!.push(await sides[i]!());
      }
      for (const measured of rounds) {
        console.log(`${measured[0]!.what} c=${concurrency}: req/s per round ${measured.map((r) => r.rps.toFixed(0)).join(', ')}`);
        rows.push(medianRound(measured));
      }
    }
    console.log(`tracing on: ${(sink.bytes() / 1024).toFixed(0)} KiB of OTLP protobuf received by the sink`);
  } finally {
    await Promise.all([fn.stop(), traced.stop()]);
    await sink.close();
    await Promise.allSettled([db.terminate(), pubsub.close()]);
  }
  console.log(table(rows));
  recordEnqueueAims(rows);
}

/**
 * The aims for POST /jobs, each against a floor measured in this run. One submit's latency is
 * held to the sequential floor (the submit guarantee writes the document before it publishes); the
 * parallel floor is printed beside it. Throughput at c=32 is held to the parallel floor.
 */
function recordEnqueueAims(rows: Row[]): void {
  const find = (what: string, c: number) => rows.find((r) => r.what === what && r.concurrency === c);
  const floor1 = find('floor (create ∥ publish)', 1);
  const sequential1 = find(SEQUENTIAL_FLOOR, 1);
  const floor32 = find('floor (create ∥ publish)', 32);
  const api1 = find('API POST /jobs', 1);
  const api32 = find('API POST /jobs', 32);
  const idem1 = find('API POST /jobs + Idempotency-Key', 1);
  const idem32 = find('API POST /jobs + Idempotency-Key', 32);
  if (floor1 && sequential1) console.log(`c=1 floors: create ∥ publish p50 ${floor1.p50.toFixed(2)} ms, create then publish p50 ${sequential1.p50.toFixed(2)} ms (the submit guarantee needs the document first: the sequential one is the floor of one submit)`);
  if (sequential1 && api1) recordAim({ benchmark: 'enqueue', name: 'POST /jobs p50 at c=1 (vs create, then publish)', measured: api1.p50, floor: sequential1.p50, unit: 'ms', aim: 1.2 });
  if (sequential1 && idem1) recordAim({ benchmark: 'enqueue', name: 'POST /jobs + Idempotency-Key p50 at c=1 (vs create, then publish)', measured: idem1.p50, floor: sequential1.p50, unit: 'ms', aim: 1.4 });
  if (floor32 && api32) recordAim({ benchmark: 'enqueue', name: 'POST /jobs throughput at c=32 (vs create ∥ publish)', measured: api32.rps, floor: floor32.rps, unit: 'req/s', aim: 0.9, higherIsBetter: true });
  if (floor32 && idem32) recordAim({ benchmark: 'enqueue', name: 'POST /jobs + Idempotency-Key throughput at c=32 (vs create ∥ publish)', measured: idem32.rps, floor: floor32.rps, unit: 'req/s', aim: 0.7, higherIsBetter: true });
  // Tracing off is the default (no SDK loaded: test/unit/telemetry/tracing-off-loads-no-sdk.test.ts); on, a
  // request pays a span, the async context that carries it, and its share of the exports. Shown, not an aim.
  for (const c of [1, 32]) {
    const [off, on] = [find('API POST /jobs', c), find(TRACED, c)];
    if (off && on) console.log(`tracing on ÷ off at c=${c}: throughput ${(on.rps / off.rps).toFixed(2)}×, p50 ${(on.p50 / off.p50).toFixed(2)}×`);
  }
  if (floor1) recordLatencies('POST /jobs at c=1', 'floor: Firestore create ∥ Pub/Sub publish', floor1.samples);
  if (sequential1) recordLatencies('POST /jobs at c=1', 'floor: Firestore create, then Pub/Sub publish', sequential1.samples);
  if (api1) recordLatencies('POST /jobs at c=1', 'API POST /jobs', api1.samples);
  if (idem1) recordLatencies('POST /jobs at c=1', 'API POST /jobs + Idempotency-Key', idem1.samples);
  if (floor32) recordLatencies('POST /jobs at c=32', 'floor: Firestore create ∥ Pub/Sub publish', floor32.samples);
  if (api32) recordLatencies('POST /jobs at c=32', 'API POST /jobs', api32.samples);
  if (idem32) recordLatencies('POST /jobs at c=32', 'API POST /jobs + Idempotency-Key', idem32.samples);
}
