// `npm run bench -- environment`: the dependency cache with a 200 MiB / 20 000-file node_modules —
// restore (the blob streamed through `tar`) against `tar -xzf` of the same archive on the same disk,
// save time, and the process's peak RSS growth (both stream, never buffer); then a job's time to its
// first agent action (the model's first request) with a cache hit against the same job with no
// environment, through the processor, the emulators and the real codex binary.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BlobStore } from '../shared/blobs/blob-store.js';
import { cacheKey, cacheObjectName, restoreCache, saveCache } from '../shared/environment/dependency-cache.js';
import { environmentSpecSchema } from '../shared/environment/environment-spec.js';
import { codexVersionOf } from '../shared/environment/setup-phase.js';
import { handleJobMessage } from '../shared/processor/handle-job-message.js';
import { startBenchProcessor } from './bench-processor.js';
import { recordAim } from './bench-report.js';

export const description = 'dependency cache: restore of 200 MiB / 20 000 files vs tar -xzf, save, RSS growth; time to first agent action with a cache hit vs no environment';

const MIB = 1024 * 1024;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

/** node_modules-like: 20 000 files in 400 package folders, 200 MiB; each file its own bytes, half random (compresses about 2:1). */
async function writeNodeModules(dir: string): Promise<void> {
  const bytesEach = Math.floor((200 * MIB) / 20_000);
  for (let p = 0; p < 400; p++) await mkdir(path.join(dir, 'node_modules', `pkg-${p}`, 'lib'), { recursive: true });
  for (let i = 0; i < 20_000; i += 200) {
    await Promise.all(
      Array.from({ length: 200 }, (_, k) => {
        const n = i + k;
        const data = Buffer.concat([randomBytes(bytesEach >> 1), Buffer.alloc(bytesEach - (bytesEach >> 1), n % 251)]);
        return writeFile(path.join(dir, 'node_modules', `pkg-${n % 400}`, 'lib', `f${n}.js`), data);
      }),
    );
  }
}

/** The blob store on the local disk: the cache code's own cost, not a network's, is what is compared. */
function diskBlobs(root: string): BlobStore {
  const file = (bucket: string, name: string) => path.join(root, bucket, name);
  const unsupported = () => Promise.reject(new Error('not used by the cache'));
  return {
    uploadFile: unsupported,
    uploadStream: unsupported,
    writeJson: unsupported,
    writeStream: (bucket, name) => {
      execFileSync('mkdir', ['-p', path.dirname(file(bucket, name))]);
      return createWriteStream(file(bucket, name));
    },
    readStream: (bucket, name) => createReadStream(file(bucket, name)),
    downloadFile: unsupported,
    version: unsupported,
    putIfGeneration: unsupported,
    list: () => Promise.resolve([]),
    info: () => Promise.resolve(null),
    exists: (bucket, name) => access(file(bucket, name)).then(() => true, () => false),
    delete: (bucket, name) => unlink(file(bucket, name)).catch(() => undefined),
  };
}

function rssSampler() {
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  return () => {
    clearInterval(timer);
    return (Math.max(peak, process.memoryUsage().rss) - base) / MIB;
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function benchCache(root: string): Promise<{ restoreMs: number; archive: string }> {
  const src = path.join(root, 'src');
  await writeNodeModules(src);
  const blobs = diskBlobs(path.join(root, 'blobs'));
  global.gc?.();
  let stop = rssSampler();
  let t = performance.now();
  const saved = await saveCache(blobs, 'results', 'cache.tar.gz', src, ['node_modules'], 4 * 1024 * MIB);
  const saveMs = performance.now() - t;
  const saveGrowth = stop();
  if (!saved.saved) throw new Error(saved.reason);
  await rm(src, { recursive: true, force: true });
  const archive = path.join(root, 'blobs', 'results', 'cache.tar.gz');
  console.log(`save: ${(saved.bytes / MIB).toFixed(0)} MiB archive of 20 000 files in ${(saveMs / 1000).toFixed(2)} s; RSS growth ${saveGrowth.toFixed(0)} MiB`);
  const ours: number[] = [];
  const floor: number[] = [];
  let restoreGrowth = 0;
  for (let i = 0; i < RUNS; i++) {
    // Alternate which goes first, each into a fresh folder on the same disk.
    for (const side of i % 2 ? ['tar', 'ours'] : ['ours', 'tar']) {
      const dest = path.join(root, `dest-${side}-${i}`);
      await mkdir(dest);
      global.gc?.();
      t = performance.now();
      if (side === 'tar') {
        execFileSync('tar', ['-xzf', archive, '-C', dest]);
        floor.push(performance.now() - t);
      } else {
        stop = rssSampler();
        await restoreCache(blobs, 'results', 'cache.tar.gz', dest, ['node_modules']);
        ours.push(performance.now() - t);
        restoreGrowth = Math.max(restoreGrowth, stop());
      }
      await rm(dest, { recursive: true, force: true });
    }
  }
  console.log(`restore (median of ${RUNS}): ${(median(ours) / 1000).toFixed(2)} s vs tar -xzf ${(median(floor) / 1000).toFixed(2)} s; RSS growth ${restoreGrowth.toFixed(0)} MiB`);
  recordAim({ benchmark: 'environment', name: 'cache restore, 200 MiB / 20 000 files, vs tar -xzf', measured: median(ours), floor: median(floor), unit: 'ms', aim: 1.3 });
  recordAim({ benchmark: 'environment', name: 'cache save/restore peak RSS growth', measured: Math.max(saveGrowth, restoreGrowth), unit: 'MiB', aim: 64 });
  recordAim({ benchmark: 'environment', name: 'cache save, 200 MiB / 20 000 files', measured: saveMs, unit: 'ms', aim: 60_000 });
  return { restoreMs: median(ours), archive };
}

async function benchFirstAction(restoreMs: number, archive: string): Promise<void> {
  const stack = await startBenchProcessor();
  const { config, model, deps } = stack;
  const spec = environmentSpecSchema.parse({ cache: { paths: ['node_modules'] } });
  const owner = 'bench';
  try {
    // The cache object the job will look for, put in place as a first job's save would have.
    const key = await cacheKey(spec, await mkdtemp(path.join(os.tmpdir(), 'bench-key-')), await codexVersionOf(config.CODEX_BIN));
    const { emulatorAwareStorage } = await import('../shared/clients.js');
    await emulatorAwareStorage(config.GOOGLE_CLOUD_PROJECT).bucket(config.RESULTS_BUCKET).upload(archive, { destination: cacheObjectName(owner, key), resumable: false });
    const withEnv = new Set<string>();
    deps.environment = { of: (job) => (withEnv.has(job.job_id) ? { spec, secrets: {} } : null), privateAllowlist: [], cacheMaxBytes: 2 ** 31 };
    /** Delivery → the model's first request of that job (the agent's first action). */
    const firstAction = async (tag: string, environment: boolean) => {
      const { job, message } = await stack.submit(`bench ${tag} [[cmd:ls node_modules | wc -l]] [[final:done]]`, 300_000);
      if (environment) withEnv.add(job.job_id);
      const t0 = performance.now();
      const running = handleJobMessage(deps, message);
      while (!model.requests.some((r) => r.prompt.includes(`bench ${tag} `))) await new Promise((r) => setTimeout(r, 5));
      const ms = performance.now() - t0;
      await running;
      return ms;
    };
    await firstAction('warm', false);
    const none: number[] = [];
    const hit: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      none.push(await firstAction(`none-${i}`, false));
      hit.push(await firstAction(`hit-${i}`, true));
    }
    console.log(`time to first agent action (median of ${RUNS}): cache hit ${(median(hit) / 1000).toFixed(2)} s, no environment ${(median(none) / 1000).toFixed(2)} s`);
    recordAim({ benchmark: 'environment', name: 'first agent action, cache hit minus no environment, over restore time + 1 s', measured: median(hit) - median(none), unit: 'ms', aim: restoreMs + 1000 });
  } finally {
    await stack.close();
  }
}

export async function run(): Promise<void> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'bench-environment-'));
  try {
    const { restoreMs, archive } = await benchCache(root);
    await benchFirstAction(restoreMs, archive);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
