// Fills a job's workspace from its input and records the base its changes are measured against.
// Order: the session's snapshot (when the session has one), else the job's workspace input (upload,
// git, dropped archive), else nothing. A workspace that cannot be made ends the job with
// workspace_error before any Codex turn.
import type { BlobStore } from '../blobs/blob-store.js';
import type { Config } from '../config.js';
import type { JobDocument } from '../jobs/job-document.js';
import { JobFailure } from '../jobs/job-error.js';
import type { JobWorkspace } from '../processor/job-workspace.js';
import { initFreshRepository, recordBase, trackingRepo, type TrackingRepo, type WorkspaceBase } from './base-commit.js';
import { unpackDroppedArchive } from './dropped-archive-source.js';
import { writeEmptyBase } from './empty-base.js';
import { GitError } from './git-command.js';
import { checkoutGit } from './git-source.js';
import { cloneCredentials } from '../delivery/host-credentials.js';
import { WorkspaceInputError, type SkippedEntry } from './unpack-archive.js';
import { unpackUpload } from './upload-source.js';

export interface PreparedWorkspace {
  repo: TrackingRepo;
  base: WorkspaceBase;
  /** The thread to resume when the session had one. */
  resumeThreadId: string | null;
  skipped: SkippedEntry[];
}

export interface PrepareContext {
  config: Config;
  blobs: BlobStore;
  job: JobDocument;
  ws: JobWorkspace;
  /** Restores the session's snapshot into the workspace; the thread id, or null when the session has none yet. */
  restoreSession: () => Promise<string | null>;
  signal?: AbortSignal;
}

export async function prepareWorkspace(ctx: PrepareContext): Promise<PreparedWorkspace> {
  try {
    return await fill(ctx);
  } catch (err) {
    if (err instanceof WorkspaceInputError || err instanceof GitError) throw new JobFailure('workspace_error', err.message);
    throw err;
  }
}

async function fill(ctx: PrepareContext): Promise<PreparedWorkspace> {
  const { config, blobs, job, ws } = ctx;
  const repo = trackingRepo(ws.root, ws.workspace);
  const limits = { maxBytes: config.WORKSPACE_MAX_BYTES, maxFiles: config.WORKSPACE_MAX_FILES };
  const resumeThreadId = job.session_id ? await ctx.restoreSession() : null;
  if (resumeThreadId) {
    // The snapshot's repository was last written by an agent: only the tracking repository's git runs on it.
    return { repo, base: await recordBase(repo, 'session'), resumeThreadId, skipped: [] };
  }
  const input = job.workspace;
  if (input && 'git' in input) {
    // A GitHub App installed on the repository clones with its installation token (shared/delivery/).
    const checkout = await checkoutGit(input.git, ws.workspace, repo.home, await cloneCredentials(input.git.url, config), ctx.signal);
    return { repo, base: await recordBase(repo, 'git', { url: input.git.url, ref: checkout.ref }, { trustedIndex: true }), resumeThreadId, skipped: [] };
  }
  let skipped: SkippedEntry[] = [];
  let kind: 'empty' | 'upload' | 'archive' = 'empty';
  if (input && 'upload_id' in input) {
    kind = 'upload';
    ({ skipped } = await unpackUpload(blobs, config.UPLOADS_BUCKET, job.owner, input.upload_id, ws.root, ws.workspace, limits));
  } else if (input && 'archive' in input) {
    kind = 'archive';
    ({ skipped } = await unpackDroppedArchive(blobs, input.archive, ws.root, ws.workspace, limits));
  }
  // Nothing to start from: the same repository for every such job, written without running git.
  const empty = kind === 'empty' ? await writeEmptyBase(repo) : null;
  if (empty) return { repo, base: empty, resumeThreadId, skipped };
  await initFreshRepository(ws.workspace, repo.home);
  return { repo, base: await recordBase(repo, kind, {}, { trustedIndex: true }), resumeThreadId, skipped };
}
