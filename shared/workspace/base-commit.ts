// The base of a job's changes. Before the turn the workspace is a git repository: a fresh input is
// initialised and committed as the base (fixed author, no hooks, no signing); a git input and a
// session keep their own history. The changes are then computed in a private "tracking" repository
// outside the workspace (its own config, index and object store, reading the workspace's objects as
// alternates), so no git command of the processor ever reads a config, hook or filter the agent could
// have written, and the agent's own index is never touched.
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { ChangesBase } from './workspace-schemas.js';
import { BASE_IDENTITY, git, GitError } from './git-command.js';

export interface TrackingRepo {
  workspace: string;
  gitDir: string;
  indexFile: string;
  home: string;
}

export interface WorkspaceBase {
  base: ChangesBase;
  /** The tree the job started from, in the tracking repository. */
  tree: string;
}

/** Paths of the tracking repository of a job (under its private root, never in the workspace). */
export function trackingRepo(root: string, workspace: string): TrackingRepo {
  return { workspace, gitDir: path.join(root, 'changes.git'), indexFile: path.join(root, 'changes.index'), home: path.join(root, 'git-home') };
}

export function trackingEnv(repo: TrackingRepo): Record<string, string> {
  return {
    GIT_DIR: repo.gitDir,
    GIT_WORK_TREE: repo.workspace,
    GIT_INDEX_FILE: repo.indexFile,
    GIT_OBJECT_DIRECTORY: path.join(repo.gitDir, 'objects'),
    GIT_ALTERNATE_OBJECT_DIRECTORIES: path.join(repo.workspace, '.git', 'objects'),
  };
}

export function tracked(repo: TrackingRepo, args: string[], what: string, extra: { stdoutFile?: string } = {}): Promise<string> {
  return git(args, { cwd: repo.workspace, home: repo.home, env: trackingEnv(repo), what, ...extra });
}

/** A fresh repository of the workspace's files with one commit of all of them (respecting .gitignore). */
export async function initFreshRepository(workspace: string, home: string): Promise<void> {
  await mkdir(home, { recursive: true, mode: 0o700 });
  const opts = { cwd: workspace, home };
  await git(['init', '-q', '-b', 'main'], { ...opts, what: 'git init of the workspace' });
  await setAgentIdentity(workspace, home);
  await git(['add', '-A'], { ...opts, what: 'git add of the starting files' });
  await git(['commit', '-q', '--allow-empty', '--no-verify', '-m', "codex-jobs: the job's starting files"], { ...opts, env: BASE_IDENTITY, what: 'the base commit' });
}

/** An identity for the agent's own commits in this repository (it has no global git config). */
export async function setAgentIdentity(workspace: string, home: string): Promise<void> {
  await git(['config', 'user.name', 'Codex'], { cwd: workspace, home });
  await git(['config', 'user.email', 'codex@codex-jobs.invalid'], { cwd: workspace, home });
}

/** The workspace repository's HEAD commit, or null (no repository, unborn HEAD). Reads refs only. */
async function workspaceHead(workspace: string, home: string): Promise<string | null> {
  try {
    const out = await git(['--git-dir', path.join(workspace, '.git'), 'rev-parse', '-q', '--verify', 'HEAD^{commit}'], { cwd: workspace, home });
    return out.trim() || null;
  } catch (err) {
    if (err instanceof GitError) return null;
    throw err;
  }
}

/**
 * Records the workspace as it is now as the base: the tracking index is seeded from the workspace's
 * HEAD (so tracked files stay tracked), then every file is added. When that tree is HEAD's, the base
 * commit is HEAD; otherwise (a session left uncommitted files) a commit of the tree on top of HEAD.
 */
export async function recordBase(repo: TrackingRepo, kind: ChangesBase['kind'], extra: Pick<ChangesBase, 'url' | 'ref'> = {}, options: { trustedIndex?: boolean } = {}): Promise<WorkspaceBase> {
  await mkdir(repo.home, { recursive: true, mode: 0o700 });
  await git(['init', '-q', '--bare', repo.gitDir], { home: repo.home, what: 'git init of the tracking repository' });
  const head = await workspaceHead(repo.workspace, repo.home);
  // An index the processor itself just wrote (fresh repository, clone) carries file stats, so the
  // add below re-reads nothing; a session's index came from an agent and is not used.
  if (head && options.trustedIndex) await copyFile(path.join(repo.workspace, '.git', 'index'), repo.indexFile);
  else if (head) await tracked(repo, ['read-tree', head], 'reading the base tree');
  await tracked(repo, ['add', '-A'], 'git add of the starting files');
  const tree = (await tracked(repo, ['write-tree'], 'writing the base tree')).trim();
  let commit = head;
  if (!head || (await tracked(repo, ['rev-parse', `${head}^{tree}`], 'reading the base tree')).trim() !== tree) {
    const parent = head ? ['-p', head] : [];
    commit = (await git(['commit-tree', tree, ...parent, '-m', "codex-jobs: the job's starting files"], { cwd: repo.workspace, home: repo.home, env: { ...trackingEnv(repo), ...BASE_IDENTITY }, what: 'the base commit' })).trim();
  }
  await tracked(repo, ['update-ref', 'refs/codex-jobs/base', commit!], 'recording the base');
  return { base: { kind, commit: commit!, ...extra }, tree };
}
