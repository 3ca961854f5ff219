// The changes step of a job, after its turn: the patch to gs://OUTPUTS_BUCKET/jobs/{id}/changes.patch,
// the summary for result.changes, and which files are outputs (added, modified or renamed regular
// files). The patch's upload is handed back, to run beside the outputs' and result.json's. When the changes cannot be computed (the agent broke the repository's objects, say), the
// job still ends: changes is null and the outputs come from the before/after snapshot instead.
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { gsUri, type BlobStore } from '../blobs/blob-store.js';
import type { Logger } from '../logging.js';
import { collectChanges } from './collect-changes.js';
import type { PreparedWorkspace } from './prepare-workspace.js';
import type { SkippedEntry } from './unpack-archive.js';
import { changesPatchObjectName, type Changes } from './workspace-schemas.js';

/** The document keeps at most this many entries of changes.files (result.json has them all). */
export const CHANGES_FILES_IN_DOCUMENT = 1000;
/** A workspace_skipped event lists at most this many paths (and the total count). */
const SKIPPED_IN_EVENT = 200;

export interface JobChanges {
  /** The whole summary (result.json). */
  full: Changes;
  /** The summary as the document keeps it. */
  inDocument: Changes;
  /** Workspace-relative paths of the files to upload as outputs. */
  outputs: string[];
  /** Uploads the patch to `patch_path` (nothing is written before it is called). */
  uploadPatch(): Promise<void>;
}

/** `blobs`: where the patch goes (the run's AttemptWriter, so a stale run never replaces a later attempt's patch). */
export async function recordJobChanges(blobs: Pick<BlobStore, 'uploadFile'>, outputsBucket: string, jobId: string, prepared: PreparedWorkspace, log: Logger): Promise<JobChanges | null> {
  const patchFile = path.join(path.dirname(prepared.repo.gitDir), 'changes.patch');
  let collected;
  try {
    collected = await collectChanges(prepared.repo, prepared.base, patchFile);
  } catch (err) {
    log.warn('the changes could not be computed; outputs come from the file snapshot', { error: err as Error });
    return null;
  }
  const patchName = changesPatchObjectName(jobId);
  const full: Changes = { base: prepared.base.base, files: collected.files, stats: collected.stats, patch_path: gsUri(outputsBucket, patchName), truncated: false };
  const truncated = full.files.length > CHANGES_FILES_IN_DOCUMENT;
  const inDocument = truncated ? { ...full, files: full.files.slice(0, CHANGES_FILES_IN_DOCUMENT), truncated: true } : full;
  const candidates = collected.files.filter((f) => f.change !== 'deleted').map((f) => f.path);
  const regular = await Promise.all(candidates.map(async (p) => ((await lstat(path.join(prepared.repo.workspace, p)).catch(() => null))?.isFile() ? p : null)));
  return { full, inDocument, outputs: regular.filter((p): p is string => p !== null).sort(), uploadPatch: () => blobs.uploadFile(outputsBucket, patchName, patchFile, 'text/x-diff') };
}

export function skippedEventData(skipped: SkippedEntry[]): Record<string, unknown> {
  return { count: skipped.length, paths: skipped.slice(0, SKIPPED_IN_EVENT), truncated: skipped.length > SKIPPED_IN_EVENT };
}
