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

/** Streams each file to gs://bucket/jobs/{job_id}/outputs/{rel}, a few at a time. */
export async function uploadOutputs(
  blobs: BlobStore,
  bucket: string,
  jobId: string,
  workspace: string,
  files: string[],
  sizes: WorkspaceSnapshot,
  concurrency = 4,
): Promise<CreatedFile[]> {
  const out: CreatedFile[] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const index = next++;
      const rel = files[index]!;
      const contentType = contentTypeOf(rel);
      const name = outputObjectName(jobId, rel);
      await blobs.uploadFile(bucket, name, path.join(workspace, rel), contentType);
      out[index] = { filename: rel, size_bytes: sizes.get(rel)?.size ?? 0, content_type: contentType, storage_path: gsUri(bucket, name) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
  return out;
}
