// Writes that never replace a newer writer's object. Each object carries its writer's order key
// (custom metadata); a write first reads the object's generation and key, and then writes only under
// a GCS generation precondition: a key above ours means a later writer owns it (skip), and a write
// that lands between our read and our write makes ours fail (412) and look again. Whatever the
// interleaving, the object ends as the highest key's write — race-free without any lock.
import type { Readable } from 'node:stream';
import type { BlobStore } from './blob-store.js';

export const ORDER_METADATA = 'codex_jobs_order';

/** A job attempt's order key: attempts compare as numbers, keys as strings (zero-padded). */
export function attemptOrder(attempt: number): string {
  return String(attempt).padStart(6, '0');
}

/** The attempt an object of a job was written by, or null (written before keys existed, or by hand). */
export function attemptOfObject(metadata: Record<string, string> | undefined): number | null {
  const key = metadata?.[ORDER_METADATA];
  return key !== undefined && /^\d+$/.test(key) ? Number(key) : null;
}

const MAX_TRIES = 5;

/**
 * true when written; false when a writer with a higher key owns the object. `open` is called for each try.
 * `expectAbsent`: the object most likely does not exist yet (a first attempt's): the write is tried
 * first as "only if absent", one round trip instead of two; when it exists after all, the usual read
 * decides, so the outcome is the same.
 */
export async function writeUnlessNewer(blobs: Pick<BlobStore, 'version' | 'putIfGeneration'>, bucket: string, name: string, order: string, open: () => Readable, contentType: string, options: { expectAbsent?: boolean } = {}): Promise<boolean> {
  if (options.expectAbsent && (await blobs.putIfGeneration(bucket, name, open(), { contentType, ifGeneration: '0', metadata: { [ORDER_METADATA]: order } }))) return true;
  for (let i = 0; i < MAX_TRIES; i++) {
    const current = await blobs.version(bucket, name);
    const theirs = current?.metadata[ORDER_METADATA];
    if (theirs !== undefined && theirs > order) return false;
    if (await blobs.putIfGeneration(bucket, name, open(), { contentType, ifGeneration: current?.generation ?? '0', metadata: { [ORDER_METADATA]: order } })) return true;
  }
  throw new Error(`could not write gs://${bucket}/${name}: it changed under each of ${MAX_TRIES} tries`);
}
