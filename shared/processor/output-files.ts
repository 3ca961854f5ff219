// Which files a job created or changed: a snapshot of the workspace before the turn, compared with
// the tree after it. Then each one is streamed to the outputs bucket with its mime type.
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import mime from 'mime-types';
import type { Readable } from 'node:stream';
import { gsUri } from '../blobs/blob-store.js';
import type { CreatedFile } from '../jobs/job-document.js';
import type { Logger } from '../logging.js';
import { openSnapshotFile } from './open-snapshot-file.js';

/** dev+ino: the upload opens exactly this file (see open-snapshot-file.ts). */
export type WorkspaceSnapshot = Map<string, { size: number; mtimeMs: number; dev: number; ino: number }>;

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
        if (st.isFile()) files.set(rel, { size: st.size, mtimeMs: st.mtimeMs, dev: st.dev, ino: st.ino });
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
    if (!then || then.size !== now.size || then.mtimeMs !== now.mtimeMs || then.ino !== now.ino) out.push(rel);
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

/** Where output objects go: the run's AttemptWriter (holder-guard.ts), which never replaces a later attempt's object. */
export interface OutputWriter {
  put(bucket: string, name: string, open: () => Readable, contentType: string): Promise<void>;
}

/**
 * Streams each planned file from the workspace to its object, a few at a time. Call it only after
 * every process of the turn has ended. Each file is opened without following links and must be the
 * one `seen` recorded; one that is not is skipped (and returned), never read.
 */
export async function uploadOutputs(writer: OutputWriter, bucket: string, jobId: string, workspace: string, planned: CreatedFile[], seen: WorkspaceSnapshot, log?: Logger, concurrency = 4): Promise<string[]> {
  let next = 0;
  const skipped: string[] = [];
  const worker = async () => {
    while (next < planned.length) {
      const file = planned[next++]!;
      const known = seen.get(file.filename);
      const opened = known ? await openSnapshotFile(path.join(workspace, file.filename), known) : { handle: null, why: 'the snapshot did not see it' };
      if (!opened.handle) {
        skipped.push(file.filename);
        log?.error('output file not uploaded: it changed after the snapshot', { job_id: jobId, filename: file.filename, reason: opened.why });
        continue;
      }
      try {
        const handle = opened.handle;
        await writer.put(bucket, outputObjectName(jobId, file.filename), () => handle.createReadStream({ autoClose: false, start: 0 }), file.content_type);
      } finally {
        await opened.handle.close();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, planned.length) }, worker));
  return skipped;
}
