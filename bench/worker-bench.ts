// The long-lane worker against the emulators, in one run: pull-to-claim latency (message received by
// the streaming pull → claim transaction done), and the worker's wall time per job (received → acked)
// side by side with a bare `codex app-server` doing the same one-command turn.
import { randomUUID } from 'node:crypto';
import { createLongLane } from '../dev/long-lane-wiring.js';
import { newJobDocument, specFromRequest } from '../shared/jobs/job-document.js';
import { laneFor, timeoutLimits } from '../shared/jobs/job-lane.js';
import { messageFromJob } from '../shared/jobs/job-message.js';
import { jobRequestSchema } from '../shared/jobs/job-request.js';
import { PubSubJobQueue } from '../shared/queue/pubsub-job-queue.js';
import { startPullWorker, type HandledMessage } from '../shared/worker/pull-worker.js';
import { startBenchProcessor } from './bench-processor.js';
import { recordAim, recordLatencies } from './bench-report.js';
import { bareTurn, stats } from './processor-bench.js';

export const description = 'pull-to-claim latency, and wall time per job (received → acked) vs a bare codex app-server turn';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const PROMPT = (tag: string) => `bench ${tag} [[cmd:echo hello > hello.txt]] [[final:done]]`;
const row = (name: string, s: ReturnType<typeof stats>) =>
  `${name.padEnd(34)} ${s.median.toFixed(0).padStart(7)} ${s.p90.toFixed(0).padStart(7)} ${s.min.toFixed(0).padStart(7)} ${s.max.toFixed(0).padStart(7)}`;

export async function run(): Promise<void> {
  const stack = await startBenchProcessor({ MAX_JOB_TIMEOUT_MS: '60000' });
  const { config, model, pubsub, deps: base } = stack;
  await createLongLane(pubsub, config, {});
  // Times the claim transaction of each job (the store is the project's own interface).
  const claimedAt = new Map<string, number>();
  const store = base.store;
  const deps = {
    ...base,
    store: Object.assign(Object.create(store) as typeof store, {
      claim: async (...args: Parameters<typeof store.claim>) => {
        const outcome = await store.claim(...args);
        if (outcome.outcome === 'claimed') claimedAt.set(args[0].job_id, Date.now());
        return outcome;
      },
    }),
  };
  const handled = new Map<string, (r: HandledMessage) => void>();
  const worker = startPullWorker(pubsub, {
    deps,
    subscription: config.LONG_JOBS_SUBSCRIPTION,
    concurrency: config.WORKER_CONCURRENCY,
    graceMs: 1000,
    maxLeaseMs: 3_600_000,
    onHandled: (r) => r.job_id && handled.get(r.job_id)?.(r),
  });
  const queue = new PubSubJobQueue(pubsub, config);
  const oneJob = async (tag: string) => {
    const request = jobRequestSchema(timeoutLimits(config)).parse({ prompt: PROMPT(tag), timeout_ms: 120_000 });
    const job = newJobDocument(specFromRequest(request, { job_id: randomUUID(), owner: 'bench', source: 'http', source_ref: null, lane: laneFor(request, config) }), 30);
    await deps.store.create(job);
    const done = new Promise<HandledMessage>((resolve) => handled.set(job.job_id, resolve));
    const published = Date.now();
    await queue.publishJob(messageFromJob(job));
    const record = await done;
    return { published, record, claimed: claimedAt.get(job.job_id) ?? NaN };
  };
  try {
    await oneJob('warm');
    await bareTurn(config.CODEX_BIN, model.url, 'warm');
    const bare: number[] = [];
    const pullToClaim: number[] = [];
    const publishToPull: number[] = [];
    const workerWall: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      bare.push(await bareTurn(config.CODEX_BIN, model.url, `bare-${i}`));
      const { published, record, claimed } = await oneJob(`worker-${i}`);
      if (record.outcome !== 'acked') throw new Error(`bench job was ${record.outcome} (${record.reason})`);
      publishToPull.push(record.received_at_ms - published);
      pullToClaim.push(claimed - record.received_at_ms);
      workerWall.push(record.done_at_ms - record.received_at_ms);
    }
    const b = stats(bare);
    const w = stats(workerWall);
    console.log(`runs: ${RUNS} each, interleaved; one-command scripted turn; WORKER_CONCURRENCY=${config.WORKER_CONCURRENCY}`);
    console.log(`${''.padEnd(34)}  median     p90     min     max   (ms)`);
    console.log(row('publish → pulled', stats(publishToPull)));
    console.log(row('pulled → claimed (pull-to-claim)', stats(pullToClaim)));
    console.log(row('bare codex app-server turn', b));
    console.log(row('worker job (pulled → acked)', w));
    console.log(`worker overhead over the bare turn (median): +${(w.median - b.median).toFixed(0)} ms, ${(w.median / b.median).toFixed(2)}×`);
    const p2c = stats(pullToClaim);
    recordAim({ benchmark: 'worker', name: 'worker pulled → acked (median) vs a bare app-server turn', measured: w.median, floor: b.median, unit: 'ms', aim: 1.25 });
    recordAim({ benchmark: 'worker', name: 'worker pull-to-claim (median)', measured: p2c.median, unit: 'ms', aim: 250 });
    recordLatencies('long lane', 'floor: bare codex app-server turn', bare);
    recordLatencies('long lane', 'worker pulled → acked', workerWall);
  } finally {
    await worker.drain();
    await queue.close();
    await stack.close();
  }
}
