// The git side of a delivery, in the job's tracking repository (workspace/base-commit.ts: its own
// config and object store, the workspace's objects as alternates), never in the agent's repository:
// the job's final tree as one commit on its parent, pushed to the branch by the processor's own git
// with the host's credentials in that process's environment only (git-credentials.ts). Never a
// force push: the branch must be absent or at the expected commit, and the push is a plain one, so
// the host refuses anything but a fast-forward.
import { copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.js';
import { tracked, trackingEnv, type TrackingRepo } from '../workspace/base-commit.js';
import { git, GitError } from '../workspace/git-command.js';
import { gitNetworkEnv } from '../workspace/git-credentials.js';
import type { CheckedGitUrl } from '../workspace/git-url-policy.js';
import type { GitAuthor } from './delivery-config.js';

/** A delivery step that failed with the host's (or git's) answer; the message is redacted by the caller. */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
}

export interface Remote {
  checked: CheckedGitUrl;
  /** `host=token` entries for this host (GIT_CREDENTIALS', or the App's installation token). */
  credentials: string[];
  allowInsecure: Config['ALLOW_INSECURE_GIT'];
}

function networkEnv(remote: Remote): Record<string, string> {
  return { ...gitNetworkEnv(remote.checked, remote.credentials), GIT_ALLOW_PROTOCOL: remote.allowInsecure ? 'http:https' : 'https' };
}

function remoteGit(repo: TrackingRepo, remote: Remote, args: string[], what: string, signal?: AbortSignal): Promise<string> {
  return git(args, { cwd: repo.workspace, home: repo.home, env: { ...trackingEnv(repo), ...networkEnv(remote) }, what, signal });
}

/** The tips of the named branches on the host (absent: no such branch). */
export async function remoteBranches(repo: TrackingRepo, remote: Remote, branches: string[], signal?: AbortSignal): Promise<Map<string, string>> {
  const out = await remoteGit(repo, remote, ['ls-remote', remote.checked.url.toString(), ...branches.map((b) => `refs/heads/${b}`)], 'reading the branches on the host', signal);
  const tips = new Map<string, string>();
  for (const line of out.split('\n')) {
    const [sha, ref] = line.split('\t');
    if (sha && ref?.startsWith('refs/heads/')) tips.set(ref.slice('refs/heads/'.length), sha);
  }
  return tips;
}

/** The tree of the workspace's files as the changes saw them (collect-changes.ts left them in the tracking index). */
export async function finalTree(repo: TrackingRepo): Promise<string> {
  return (await tracked(repo, ['write-tree'], 'writing the final tree')).trim();
}

async function hasCommit(repo: TrackingRepo, commit: string): Promise<boolean> {
  try {
    await tracked(repo, ['cat-file', '-e', `${commit}^{commit}`], 'looking up a commit');
    return true;
  } catch (err) {
    if (err instanceof GitError) return false;
    throw err;
  }
}

/**
 * The workspace came from a shallow clone: the tracking repository needs its shallow boundary, or
 * git would walk into the missing history when it packs a push.
 */
async function inheritShallow(repo: TrackingRepo): Promise<void> {
  const shallow = path.join(repo.workspace, '.git', 'shallow');
  const text = await readFile(shallow, 'utf8').catch(() => null);
  // Only commit ids: the file came from a repository the agent could write.
  if (text === null || !/^([0-9a-f]{40,64}\n)*$/.test(text)) return;
  await copyFile(shallow, path.join(repo.gitDir, 'shallow'));
}

export interface CommitRequest {
  tree: string;
  parent: string;
  message: string;
  author: GitAuthor;
}

/** The parent is fetched from the branch first when the workspace does not have it (a follow-up's last delivered commit). */
export async function commitOnParent(repo: TrackingRepo, remote: Remote, branch: string, c: CommitRequest, signal?: AbortSignal): Promise<string> {
  await inheritShallow(repo);
  if (!(await hasCommit(repo, c.parent))) {
    await remoteGit(repo, remote, ['fetch', '-q', '--no-tags', '--depth=1', remote.checked.url.toString(), `refs/heads/${branch}`], `fetch of ${branch} from the host`, signal);
    if (!(await hasCommit(repo, c.parent))) throw new DeliveryError(`the branch ${branch} on the host no longer holds commit ${c.parent}`);
  }
  const identity = {
    GIT_AUTHOR_NAME: c.author.name,
    GIT_AUTHOR_EMAIL: c.author.email,
    GIT_COMMITTER_NAME: c.author.name,
    GIT_COMMITTER_EMAIL: c.author.email,
  };
  const out = await git(['commit-tree', c.tree, '-p', c.parent, '-m', c.message], {
    cwd: repo.workspace,
    home: repo.home,
    env: { ...trackingEnv(repo), ...identity },
    what: 'the delivery commit',
  });
  return out.trim();
}

/** A plain push of `commit` to the branch (no force, no lease games: the host takes fast-forwards only). */
export async function pushCommit(repo: TrackingRepo, remote: Remote, commit: string, branch: string, signal?: AbortSignal): Promise<void> {
  await remoteGit(repo, remote, ['push', '--porcelain', '--no-verify', remote.checked.url.toString(), `${commit}:refs/heads/${branch}`], `push of ${branch}`, signal);
}
