// The dependency cache of an environment: the cache paths as they were after a successful setup, kept
// per owner at gs://RESULTS_BUCKET/env-cache/{sha256(owner)}/{key}.tar.gz. The key is a sha256 of what
// decides their content (setup, maintenance, the paths, the key files' contents, the codex version), so
// a changed lockfile is a miss. Archives stream through `tar` both ways, never held whole in memory.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import type { BlobStore } from '../blobs/blob-store.js';
import type { EnvironmentSpec } from './environment-spec.js';

export type CacheSaveOutcome = { saved: true; bytes: number } | { saved: false; reason: string };

const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

export function cacheObjectName(owner: string, key: string): string {
  return `env-cache/${sha256(owner)}/${key}.tar.gz`;
}

async function fileDigest(file: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    await pipeline(createReadStream(file), hash);
    return hash.digest('hex');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'EISDIR') return 'absent';
    throw err;
  }
}

/** The cache key of a spec in a workspace (key files read from the workspace as it is before setup). */
export async function cacheKey(spec: Pick<EnvironmentSpec, 'setup' | 'maintenance' | 'cache'>, workspace: string, codexVersion: string): Promise<string> {
  const cache = spec.cache!;
  const keyFiles = await Promise.all(cache.key_files.map(async (f) => [f, await fileDigest(path.join(workspace, f))]));
  return sha256(JSON.stringify({ v: 1, setup: spec.setup, maintenance: spec.maintenance ?? null, paths: cache.paths, key_files: keyFiles, codex: codexVersion }));
}

/** Restores the archive into the workspace; false when there is none (a miss). */
export async function restoreCache(blobs: BlobStore, bucket: string, object: string, workspace: string, paths: readonly string[]): Promise<boolean> {
  if (!(await blobs.exists(bucket, object))) return false;
  const roots = paths.map((p) => path.normalize(p).replace(/\/+$/, ''));
  // Only entries under the cache paths are written (tar itself refuses absolute and `..` paths).
  const filter = (entry: string) => {
    const p = path.normalize(entry).replace(/\/+$/, '');
    return roots.some((r) => p === r || p.startsWith(r + '/'));
  };
  await pipeline(blobs.readStream(bucket, object), tar.x({ cwd: workspace, gzip: true, filter, preservePaths: false }));
  return true;
}

/** Archives the cache paths that exist; over maxBytes (compressed) nothing is kept. */
export async function saveCache(blobs: BlobStore, bucket: string, object: string, workspace: string, paths: readonly string[], maxBytes: number, signal?: AbortSignal): Promise<CacheSaveOutcome> {
  const present: string[] = [];
  for (const p of paths) {
    try {
      await lstat(path.join(workspace, p));
      present.push(p);
    } catch {
      // a path setup did not make is not cached
    }
  }
  if (present.length === 0) return { saved: false, reason: 'none of the cache paths exists after setup' };
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > maxBytes) return done(new CacheTooBig(maxBytes));
      done(null, chunk);
    },
  });
  try {
    // A stop (cancel, lease loss) aborts the upload: an unfinished upload leaves no object.
    const archive = tar.c({ cwd: workspace, gzip: true, portable: true }, present);
    const upload = blobs.writeStream(bucket, object, 'application/gzip');
    await (signal ? pipeline(archive, counter, upload, { signal }) : pipeline(archive, counter, upload));
  } catch (err) {
    if (err instanceof CacheTooBig) {
      await blobs.delete(bucket, object).catch(() => undefined);
      return { saved: false, reason: err.message };
    }
    throw err;
  }
  return { saved: true, bytes };
}

class CacheTooBig extends Error {
  constructor(maxBytes: number) {
    super(`the cache archive is over ENV_CACHE_MAX_BYTES (${maxBytes} bytes); it was not saved`);
  }
}
