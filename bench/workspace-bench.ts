// `npm run bench -- workspace`: unpacking a 200 MiB / 20 000-file tar.gz (time, and the process's
// peak RSS growth while it runs: the data is streamed to disk, never held), cloning a local
// repository over smart HTTP (git http-backend), and the changes (base + patch) of 5 000 changed files.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { initFreshRepository, recordBase, trackingRepo } from '../shared/workspace/base-commit.js';
import { collectChanges } from '../shared/workspace/collect-changes.js';
import { checkoutGit } from '../shared/workspace/git-source.js';
import { unpackArchive } from '../shared/workspace/unpack-archive.js';
import { gitIn, startGitHttpServer } from '../test/support/git-http-server.js';

export const description = 'unpack 200 MiB / 20 000 files (time, peak RSS growth), clone a local repository, changes of 5 000 files';

const MIB = 1024 * 1024;

async function writeFiles(dir: string, count: number, bytesEach: number, seed = 0): Promise<void> {
  const block = randomBytes(bytesEach);
  for (let d = 0; d < 100; d++) await mkdir(path.join(dir, `d${d}`), { recursive: true });
  for (let i = 0; i < count; i += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, count - i) }, (_, k) => {
        const n = i + k;
        const data = Buffer.from(block);
        data.writeUInt32LE(n ^ seed, 0);
        return writeFile(path.join(dir, `d${n % 100}`, `f${n}.bin`), data);
      }),
    );
  }
}

function rssSampler() {
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  return {
    stop: () => {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().rss);
      return { baseMiB: base / MIB, peakMiB: peak / MIB, growthMiB: (peak - base) / MIB };
    },
  };
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = process.hrtime.bigint();
  const v = await fn();
  return [v, Number(process.hrtime.bigint() - t) / 1e6];
}

async function benchUnpack(root: string): Promise<void> {
  const src = path.join(root, 'src');
  await writeFiles(src, 20_000, Math.floor((200 * MIB) / 20_000));
  const archive = path.join(root, 'big.tar.gz');
  await tar.c({ gzip: { level: 1 }, file: archive, cwd: src, portable: true }, ['.']);
  await rm(src, { recursive: true, force: true });
  const size = Number(execFileSync('stat', ['-c', '%s', archive]).toString());
  global.gc?.();
  const dest = path.join(root, 'unpacked');
  await mkdir(dest);
  const rss = rssSampler();
  const [result, ms] = await timed(() => unpackArchive(archive, 'tar.gz', dest, { maxBytes: 256 * MIB, maxFiles: 20_000 }));
  const mem = rss.stop();
  console.log(
    `unpack tar.gz: ${result.files} files, ${(result.bytes / MIB).toFixed(0)} MiB written (archive ${(size / MIB).toFixed(0)} MiB) in ${(ms / 1000).toFixed(2)} s` +
      ` = ${((result.bytes / MIB) / (ms / 1000)).toFixed(0)} MiB/s; RSS ${mem.baseMiB.toFixed(0)} → peak ${mem.peakMiB.toFixed(0)} MiB (growth ${mem.growthMiB.toFixed(0)} MiB; aim ≤ 64)`,
  );
  const home = path.join(root, 'git-home');
  const [, initMs] = await timed(() => initFreshRepository(dest, home));
  const [, baseMs] = await timed(() => recordBase(trackingRepo(root, dest), 'upload', {}, { trustedIndex: true }));
  console.log(`base of those files: git init + add + commit ${(initMs / 1000).toFixed(2)} s, tracking base ${(baseMs / 1000).toFixed(2)} s`);
  await rm(dest, { recursive: true, force: true });
}

async function benchClone(root: string): Promise<void> {
  const server = await startGitHttpServer();
  try {
    const work = path.join(root, 'repo-src');
    await writeFiles(work, 2_000, 4096);
    gitIn(work, 'init', '-q', '-b', 'main');
    gitIn(work, 'add', '-A');
    gitIn(work, 'commit', '-qm', 'files');
    for (let i = 0; i < 20; i++) gitIn(work, 'commit', '-q', '--allow-empty', '-m', `c${i}`);
    gitIn(root, 'clone', '-q', '--bare', work, path.join(server.root, 'bench.git'));
    for (const depth of [1, 0]) {
      const ws = path.join(root, `clone-${depth}`);
      await mkdir(ws);
      const [, ms] = await timed(() => checkoutGit({ url: `${server.url}/bench.git`, depth }, ws, path.join(root, 'git-home'), { GIT_ALLOWLIST: ['127.0.0.1'], ALLOW_INSECURE_GIT: true, GIT_CREDENTIALS: [] }));
      console.log(`clone over smart HTTP (2 000 files, 8 MiB, 21 commits), depth ${depth}: ${(ms / 1000).toFixed(2)} s`);
    }
  } finally {
    await server.close();
  }
}

async function benchPatch(root: string): Promise<void> {
  const ws = path.join(root, 'patch-ws');
  await mkdir(ws);
  await writeFiles(ws, 5_000, 2048);
  await initFreshRepository(ws, path.join(root, 'git-home'));
  const repo = trackingRepo(path.join(root, 'patch-root'), ws);
  await mkdir(path.dirname(repo.gitDir), { recursive: true });
  const base = await recordBase(repo, 'upload', {}, { trustedIndex: true });
  await writeFiles(ws, 5_000, 2048, 0xabcdef);
  const [changes, ms] = await timed(() => collectChanges(repo, base, path.join(root, 'bench.patch')));
  console.log(`changes of ${changes.files.length} changed files: ${(ms / 1000).toFixed(2)} s (patch ${(changes.patchBytes / MIB).toFixed(1)} MiB)`);
}

export async function run(): Promise<void> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'workspace-bench-'));
  try {
    await benchUnpack(root);
    await benchClone(root);
    await benchPatch(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
