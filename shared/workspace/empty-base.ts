// The base of an empty workspace without running git for each job. An empty workspace's repository
// and tracking repository are the same for every job, byte for byte: the base commit has a fixed
// identity and date (BASE_IDENTITY) and an empty tree, and nothing in either repository names a path.
// So they are made once per process by the very steps a non-empty input takes (initFreshRepository,
// recordBase), in a scratch folder, read into memory, and written out for each empty job: about 20
// small files instead of eleven git processes on the job's critical path. Kept in memory, not in a
// template folder on disk, so nothing another job can reach is ever copied into a job.
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { initFreshRepository, recordBase, trackingRepo, type TrackingRepo, type WorkspaceBase } from './base-commit.js';

interface Entry {
  /** Relative to the job's root. */
  rel: string;
  mode: number;
  /** Absent for a folder. */
  data?: Buffer;
}

interface Template {
  entries: Entry[];
  base: WorkspaceBase;
}

const WORKSPACE = 'workspace';

async function readTree(root: string, rel: string, out: Entry[]): Promise<void> {
  for (const name of (await readdir(path.join(root, rel))).sort()) {
    const child = path.join(rel, name);
    const st = await lstat(path.join(root, child));
    if (st.isDirectory()) {
      out.push({ rel: child, mode: st.mode & 0o7777 });
      await readTree(root, child, out);
    } else if (st.isFile()) {
      out.push({ rel: child, mode: st.mode & 0o7777, data: await readFile(path.join(root, child)) });
    } else {
      throw new Error(`the empty base template holds ${child}, which is neither a file nor a folder`);
    }
  }
}

async function makeTemplate(): Promise<Template> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'codex-empty-base-'));
  try {
    const workspace = path.join(root, WORKSPACE);
    await mkdir(workspace, { mode: 0o700 });
    const repo = trackingRepo(root, workspace);
    await initFreshRepository(workspace, repo.home);
    const base = await recordBase(repo, 'empty', {}, { trustedIndex: true });
    const entries: Entry[] = [];
    await readTree(root, '', entries);
    // The job's own workspace folder exists already; everything else is written for it, but git's
    // sample hooks (never run: *.sample), 26 files each job would write and remove for nothing.
    return { entries: entries.filter((e) => e.rel !== WORKSPACE && !/(^|\/)hooks\/[^/]+\.sample$/.test(e.rel)), base };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

let template: Promise<Template> | undefined;

function emptyTemplate(): Promise<Template> {
  template ??= makeTemplate().catch((err: unknown) => {
    template = undefined; // a failure (a full disk, say) is not remembered: the next empty job tries again
    throw err;
  });
  return template;
}

/**
 * Writes the empty base into `repo` (whose workspace must be the job's `<root>/workspace`, empty) and
 * returns it; null when the layout or the workspace is not the one the template was made for (then
 * the caller runs git as for any input).
 */
export async function writeEmptyBase(repo: TrackingRepo): Promise<WorkspaceBase | null> {
  const root = path.dirname(repo.workspace);
  if (path.basename(repo.workspace) !== WORKSPACE || JSON.stringify(trackingRepo(root, repo.workspace)) !== JSON.stringify(repo)) return null;
  if ((await readdir(repo.workspace)).length > 0) return null;
  const { entries, base } = await emptyTemplate();
  // The folders in order (readTree listed each before what it holds), then the files side by side.
  for (const e of entries) if (!e.data) await mkdir(path.join(root, e.rel), { mode: e.mode });
  await Promise.all(entries.map((e) => e.data && writeFile(path.join(root, e.rel), e.data, { mode: e.mode, flag: 'wx' })));
  return { base: { ...base.base }, tree: base.tree };
}
