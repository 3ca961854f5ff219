// One chaos run: jobs through the whole local stack (both push lanes, sessions, webhooks) while
// processors are SIGKILLed (the stack restarts them), every job message is delivered `copies` times,
// the webhook receiver is down for a while, and a TCP fault proxy in front of the Firestore and
// Pub/Sub emulators drops every connection for a few seconds. Faults fire as jobs finish (at fixed
// fractions of the total), so a short run gets them as surely as a long one. The observers (a
// Firestore listener, the codex-results pull subscription, the scripted model's request log, the
// webhook receiver) talk to the emulators directly, past the faults.
import { randomUUID } from 'node:crypto';
import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import type { EmulatorSet } from '../../dev/emulator-set.js';
import { startEmulators } from '../../dev/emulator-set.js';
import { startStack, type Stack } from '../../dev/stack.js';
import { FUNCTIONS } from '../../dev/topology.js';
import { buildReport, type ChaosReport, type ObservedJob } from './chaos-report.js';
import { startFaultProxy } from './fault-proxy.js';
import { startJobDuplicator } from './job-duplicator.js';
import { startWebhookReceiver } from './webhook-receiver.js';

export interface ChaosOptions {
  /** Jobs in all (sessions included). */
  jobs: number;
  /** Sessions, each of `sessionJobs` jobs run in order on one lane. */
  sessions: number;
  sessionJobs: number;
  /** Processor SIGKILLs while jobs run. */
  kills: number;
  /** How many times every job message is delivered. */
  copies: number;
  proxyOutages: number;
  proxyOutageMs: number;
  receiverDownMs: number;
  processorConcurrency: number;
  leaseMs: number;
  sweepIntervalMs: number;
  seed: number;
  /** Stop waiting when no job changed for this long (a stuck job never would). A guard, not a measure. */
  stallMs: number;
  /** After everything ended, how long without any new model request, result or webhook before counting. */
  quietMs: number;
  /** Reuse running emulators (the test runner's) instead of starting a set. */
  emulators?: { pubsub: string; firestore: string; storage: string };
  log?: (line: string) => void;
}

export const DEFAULT_CHAOS: ChaosOptions = {
  jobs: 200,
  sessions: 8,
  sessionJobs: 4,
  kills: 8,
  copies: 3,
  proxyOutages: 2,
  proxyOutageMs: 3000,
  receiverDownMs: 5000,
  processorConcurrency: 3,
  leaseMs: 8000,
  sweepIntervalMs: 2000,
  seed: 17,
  stallMs: 240_000,
  quietMs: 15_000,
};

const TERMINAL = ['completed', 'failed', 'cancelled'];

/** A small seeded PRNG (mulberry32): the same seed, the same plan. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface PlannedJob {
  tag: string;
  priority: 'low' | 'normal' | 'high' | 'critical';
  session: string | null;
  jobId?: string;
}

function planJobs(o: ChaosOptions, run: string, random: () => number): { loose: PlannedJob[]; sessions: Map<string, PlannedJob[]> } {
  const priorities = ['low', 'normal', 'high', 'critical'] as const;
  const sessions = new Map<string, PlannedJob[]>();
  const loose: PlannedJob[] = [];
  let n = 0;
  const tag = () => `job-${run}-${String(++n).padStart(4, '0')}`;
  for (let s = 0; s < o.sessions; s++) {
    const name = `chaos-session-${s}`;
    const priority = s % 2 ? 'high' : 'normal'; // sessions on both lanes
    sessions.set(name, Array.from({ length: o.sessionJobs }, () => ({ tag: tag(), priority, session: name })));
  }
  while (n < o.jobs) loose.push({ tag: tag(), priority: priorities[Math.floor(random() * 4)]!, session: null });
  return { loose, sessions };
}

function prompt(job: PlannedJob, index: number): string {
  const cmd = job.session ? `printf '%s\\n' ${index} >> session.txt` : `printf '%s' ${index} > out.txt`;
  return `Chaos ${job.tag}. [[cmd:${cmd}]] [[final:done ${job.tag}]]`;
}

export async function runChaos(options: Partial<ChaosOptions> = {}): Promise<ChaosReport> {
  const o: ChaosOptions = { ...DEFAULT_CHAOS, ...options };
  const log = o.log ?? (() => undefined);
  const random = rng(o.seed);
  const run = randomUUID().slice(0, 6);
  const started = Date.now();
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    let hosts = o.emulators;
    if (!hosts) {
      const set: EmulatorSet = await startEmulators(log);
      cleanups.unshift(() => set.stop());
      hosts = set.hosts;
    }
    const firestoreProxy = await startFaultProxy(hosts.firestore);
    const pubsubProxy = await startFaultProxy(hosts.pubsub);
    cleanups.unshift(() => firestoreProxy.close(), () => pubsubProxy.close());

    const secret = 'whsec_' + Buffer.from(`chaos-webhook-secret-${run}-0123456789`).toString('base64');
    let lastActivity = Date.now();
    const touch = () => void (lastActivity = Date.now());
    const receiver = await startWebhookReceiver(secret, touch);
    cleanups.unshift(() => receiver.close());

    const apiKey = `chaos-key-${randomUUID()}`;
    const project = `chaos-${run}`;
    const stack: Stack = await startStack({
      ports: 'free',
      projectId: project,
      emulators: { pubsub: pubsubProxy.host, firestore: firestoreProxy.host, storage: hosts.storage },
      schedules: false,
      only: FUNCTIONS.map((f) => f.name).filter((name) => name !== 'scheduler' && name !== 'storage-trigger'),
      log: (line) => log(`stack: ${line}`),
      env: {
        API_KEYS: `chaos:${apiKey}`,
        WEBHOOK_SECRET: secret,
        WEBHOOK_RETRY_DELAYS: '1000,2000,4000,8000',
        WEBHOOK_TIMEOUT_MS: '5000',
        RATE_LIMIT_PER_MINUTE: '1000000',
        JOB_LEASE_MS: String(o.leaseMs),
        SWEEP_INTERVAL_MS: String(o.sweepIntervalMs),
        // Time compressed like the lease and the retries: a webhook still pending a minute after its
        // result went out is sent again by the sweeper's stale_webhook rule within the run.
        WEBHOOK_RESEND_AFTER_MS: '60000',
        PROCESSOR_CONCURRENCY: String(o.processorConcurrency),
        LOG_LEVEL: 'ERROR',
      },
    });
    cleanups.unshift(() => stack.stop());
    if (stack.model.kind !== 'offline') throw new Error('the chaos suite counts Codex runs on the offline scripted model: unset OPENAI_API_KEY and CODEX_PROVIDER_BASE_URL');
    const model = stack.model.server;

    // Observers, past the faults.
    const firestore = new Firestore({ projectId: project, host: hosts.firestore, ssl: false, customHeaders: { Authorization: 'Bearer owner' } });
    const pubsub = new PubSub({ projectId: project, apiEndpoint: hosts.pubsub });
    cleanups.unshift(() => firestore.terminate(), () => pubsub.close());
    const results = new Map<string, string[]>();
    const [resultsSub] = await pubsub.topic(stack.config.RESULTS_TOPIC).createSubscription(`${stack.config.RESULTS_TOPIC}-chaos-${run}`, { ackDeadlineSeconds: 60 });
    resultsSub.on('message', (m) => {
      const body = m.data.toString('utf8');
      const id = (JSON.parse(body) as { job_id: string }).job_id;
      results.set(id, [...(results.get(id) ?? []), body]);
      touch();
      m.ack();
    });
    cleanups.unshift(() => resultsSub.close());
    const duplicator = await startJobDuplicator(pubsub, [stack.config.JOBS_TOPIC, stack.config.PRIORITY_JOBS_TOPIC], o.copies, log);
    cleanups.unshift(() => duplicator.stop());

    const docs = new Map<string, FirebaseFirestore.DocumentData>();
    let changed = Date.now();
    const unsubscribe = firestore
      .collection('jobs')
      .where('status', 'in', TERMINAL)
      .onSnapshot(
        (snap) => {
          for (const c of snap.docChanges()) docs.set(c.doc.id, c.doc.data());
          if (snap.docChanges().length) changed = Date.now();
        },
        (err) => log(`job listener: ${err.message}`),
      );
    cleanups.unshift(async () => unsubscribe());

    // Submit: sessions one job after another (their order is theirs), the rest a few at a time.
    const { loose, sessions } = planJobs(o, run, random);
    const accepted: PlannedJob[] = [];
    let refused = 0;
    const submit = async (job: PlannedJob, index: number) => {
      const body = JSON.stringify({
        prompt: prompt(job, index),
        priority: job.priority,
        callback_url: receiver.url,
        timeout_ms: 120_000,
        metadata: { chaos: run },
        ...(job.session ? { session_id: job.session } : {}),
      });
      for (let attempt = 0; attempt < 30; attempt++) {
        try {
          const res = await fetch(`${stack.apiUrl}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey, 'idempotency-key': job.tag }, body });
          if (res.status === 202 || res.status === 200) {
            job.jobId = ((await res.json()) as { job_id: string }).job_id;
            accepted.push(job);
            return;
          }
          if (res.status !== 429 && res.status < 500) throw new Error(`POST /jobs answered ${res.status}: ${await res.text()}`);
        } catch (err) {
          if ((err as Error).message.startsWith('POST /jobs answered')) throw err;
        }
        // A 5xx or a cut connection during an outage: retry with the same Idempotency-Key.
        await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** attempt)));
      }
      refused++;
    };
    const submitting = (async () => {
      const queue = [...loose];
      const workers = Array.from({ length: 6 }, async () => {
        for (let job = queue.shift(); job; job = queue.shift()) await submit(job, loose.indexOf(job));
      });
      const chains = [...sessions.values()].map(async (jobs) => {
        for (const [i, job] of jobs.entries()) await submit(job, i);
      });
      await Promise.all([...workers, ...chains]);
    })();

    // Faults, at fractions of the jobs ended.
    const total = o.jobs;
    const faults = { processorKills: 0, receiverDowntimes: 0 };
    const plan: { at: number; what: string; run: () => Promise<unknown> }[] = [];
    const lanes = (['processor', 'processor-priority'] as const).filter((n) => stack.functions[n]);
    for (let i = 0; i < o.kills; i++) {
      const lane = lanes[Math.floor(random() * lanes.length)]!;
      plan.push({ at: (0.05 + (0.8 * (i + random() * 0.5)) / o.kills) * total, what: `SIGKILL ${lane}`, run: () => stack.functions[lane]!.kill().then(() => faults.processorKills++) });
    }
    for (let i = 0; i < o.proxyOutages; i++) {
      plan.push({ at: ((i + 1) / (o.proxyOutages + 1)) * 0.8 * total, what: `drop every emulator connection for ${o.proxyOutageMs} ms`, run: () => Promise.all([firestoreProxy.dropFor(o.proxyOutageMs), pubsubProxy.dropFor(o.proxyOutageMs)]) });
    }
    plan.push({ at: 0.15 * total, what: `webhook receiver down for ${o.receiverDownMs} ms`, run: () => receiver.downFor(o.receiverDownMs).then(() => faults.receiverDowntimes++) });
    plan.sort((a, b) => a.at - b.at);

    const ended = () => accepted.filter((j) => docs.has(j.jobId!)).length;
    // A terminal job is settled once its codex-results message arrived (a sender killed before it
    // leaves the result to the sweeper's unsent-results rule, RESULT_RESEND_AFTER_MS later: waited
    // for here, within stallMs, instead of counted as missing) and its webhook, if any, is over.
    const settled = () => accepted.every((j) => {
      const d = docs.get(j.jobId!);
      return d && results.has(j.jobId!) && (d.callback === null || d.callback?.state === 'delivered' || d.callback?.state === 'failed');
    });
    let seenRequests = 0;
    const stalled = () => {
      // Any model request, result, webhook or job end is progress; a stuck job makes none.
      if (model.requests.length !== seenRequests) {
        seenRequests = model.requests.length;
        touch();
      }
      return Date.now() - Math.max(changed, lastActivity) > o.stallMs;
    };
    const tick = () => new Promise((r) => setTimeout(r, 200));
    let stallSeen = false;

    const faulting = (async () => {
      for (const fault of plan) {
        while (ended() < fault.at && !stalled()) await tick();
        if (stalled()) return;
        log(`fault at ${ended()}/${total} ended: ${fault.what}`);
        await fault.run();
      }
    })();
    await submitting;
    log(`${accepted.length} jobs accepted, ${refused} refused; waiting for every job and webhook to end`);
    while (!(accepted.length > 0 && ended() === accepted.length && settled())) {
      if (stalled()) {
        stallSeen = true;
        log(`nothing changed for ${o.stallMs} ms: counting what is left as stuck`);
        break;
      }
      await tick();
    }
    await faulting;
    // Late duplicates (a copy redelivered after its job ended) still count: wait for quiet.
    if (!stallSeen) {
      let requests = model.requests.length;
      for (;;) {
        if (model.requests.length !== requests) {
          requests = model.requests.length;
          touch();
        }
        if (Date.now() - lastActivity > o.quietMs) break;
        await tick();
      }
    }

    // Count.
    const observed: ObservedJob[] = [];
    for (const job of accepted) {
      const snap = await firestore.collection('jobs').doc(job.jobId!).get();
      const d = snap.exists ? snap.data()! : undefined;
      observed.push({
        jobId: job.jobId!,
        tag: job.tag,
        lane: job.priority === 'high' || job.priority === 'critical' ? 'priority' : 'normal',
        session: job.session,
        status: d?.status as string | undefined,
        errorCode: (d?.error as { code?: string } | null)?.code,
        attempts: (d?.attempts as number | undefined) ?? 0,
        createdAt: d?.created_at as string | undefined,
        completedAt: d?.completed_at as string | null | undefined,
        callbackState: (d?.callback as { state?: string } | null)?.state,
        codexRuns: model.requests.filter((r) => r.step === 0 && r.prompt.includes(job.tag)).length,
        results: results.get(job.jobId!) ?? [],
        webhooks: receiver.deliveries.filter((w) => w.jobId === job.jobId).map((w) => ({ webhookId: w.webhookId, body: w.body })),
      });
    }
    const sessionOrder = new Map([...sessions].map(([name, jobs]) => [name, jobs.filter((j) => j.jobId).map((j) => j.jobId!)]));
    const fs = firestoreProxy.stats();
    const ps = pubsubProxy.stats();
    return buildReport(observed, {
      submitRefused: refused,
      sessionOrder,
      wallMs: Date.now() - started,
      faults: {
        processorKills: faults.processorKills,
        proxyOutages: fs.outages,
        proxySocketsDropped: fs.dropped + ps.dropped,
        receiverDowntimes: faults.receiverDowntimes,
        receiverConnectionsRefused: receiver.refused,
        jobMessagesSeen: duplicator.originals(),
        jobMessageCopies: duplicator.copies(),
        sweepsPublished: stack.sweeps?.published() ?? 0,
      },
    });
  } finally {
    for (const clean of cleanups) await clean().catch(() => undefined);
  }
}
