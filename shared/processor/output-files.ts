// Which files a job created or changed: a snapshot of the workspace before the turn, compared with
// the tree after it. Then each one is streamed to the outputs bucket with its mime type.
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import mime from 'mime-types';
import { gsUri, type BlobStore } from '../blobs/blob-store.js';
import type { CreatedFile } from '../jobs/job-document.js';

export type WorkspaceSnapshot = Map<string, { size: number; mtimeMs: number }>;

/** Regular files under dir (recursive), keyed by their path relative to dir with `/` separators. */
export async function snapshotWorkspace(dir: string): Promise<WorkspaceSnapshot> {
  const files: WorkspaceSnapshot = new Map();
  const walk = async (sub: string) => {
    const entries = await readdir(path.join(dir, sub), { withFileTypes: true });
    for (const entry of entries) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (entry.name === '.git') continue; // version-control internals (at any depth) are not job outputs
        await walk(rel);
      } else if (entry.isFile()) {
        const st = await lstat(path.join(dir, rel));
        files.set(rel, { size: st.size, mtimeMs: st.mtimeMs });
      }
      // symlinks, sockets and devices are never uploaded: they could point outside the workspace
    }
  };
  await walk('');
  return files;
}

export function changedFiles(before: WorkspaceSnapshot, after: WorkspaceSnapshot): string[] {
  const out: string[] = [];
  for (const [rel, now] of after) {
    const then = before.get(rel);
    if (!then || then.size !== now.size || then.mtimeMs !== now.mtimeMs) out.push(rel);
  }
  return out.sort();
}

/** Source files whose registered mime type is something else (.ts is MPEG transport stream). */
const SOURCE_TYPES: Record<string, string> = { ts: 'text/x-typescript', tsx: 'text/x-typescript', mts: 'text/x-typescript', cts: 'text/x-typescript', rs: 'text/x-rust', go: 'text/x-go', py: 'text/x-python' };

export function contentTypeOf(filename: string): string {
  const ext = filename.slice(filename.lastIndexOf('.') + 1).toLowerCase();
  return SOURCE_TYPES[ext] ?? (mime.lookup(filename) || 'application/octet-stream');
}

export function outputObjectName(jobId: string, rel: string): string {
  return `jobs/${jobId}/outputs/${rel}`;
}

/** Where each file goes and how it is described, known before any byte moves (so result.json can be written alongside). */
export function plannedOutputs(bucket: string, jobId: string, files: string[], sizes: WorkspaceSnapshot): CreatedFile[] {
  return files.map((rel) => ({
    filename: rel,
    size_bytes: sizes.get(rel)?.size ?? 0,
    content_type: contentTypeOf(rel),
    storage_path: gsUri(bucket, outputObjectName(jobId, rel)),
  }));
}

/** Streams each planned file from the workspace to its object, a few at a time. */
export async function uploadOutputs(blobs: BlobStore, bucket: string, jobId: string, workspace: string, planned: CreatedFile[], concurrency = 4): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < planned.length) {
      const file = planned[next++]!;
      await blobs.uploadFile(bucket, outputObjectName(jobId, file.filename), path.join(workspace, file.filename), file.content_type);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, planned.length) }, worker));
}
