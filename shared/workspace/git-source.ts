// A workspace from git: the processor's own git fetches the repository into the (empty) workspace.
// A branch, tag or full commit id can be named (default: the remote HEAD); depth default 1, 0 = all.
// Credentials and pinned addresses are in the environment of each network git process only.
import type { Config } from '../config.js';
import { setAgentIdentity } from './base-commit.js';
import { git, GitError } from './git-command.js';
import { gitNetworkEnv, redactCredentials } from './git-credentials.js';
import { checkGitUrl, GitUrlError } from './git-url-policy.js';
import { WorkspaceInputError } from './unpack-archive.js';
import type { gitWorkspaceSchema } from './workspace-schemas.js';
import type { z } from 'zod';

export type GitInput = z.infer<typeof gitWorkspaceSchema>;

const FULL_COMMIT = /^([0-9a-f]{40}|[0-9a-f]{64})$/;

export interface GitCheckout {
  /** The ref that was checked out (the remote HEAD's branch when none was named). */
  ref: string;
  commit: string;
}

export async function checkoutGit(
  input: GitInput,
  workspace: string,
  home: string,
  config: Pick<Config, 'GIT_ALLOWLIST' | 'ALLOW_INSECURE_GIT' | 'GIT_CREDENTIALS'>,
  signal?: AbortSignal,
): Promise<GitCheckout> {
  let checked;
  try {
    checked = await checkGitUrl(input.url, config);
  } catch (err) {
    if (err instanceof GitUrlError) throw new WorkspaceInputError(err.message);
    throw err;
  }
  const url = checked.url.toString();
  const net = { ...gitNetworkEnv(checked, config.GIT_CREDENTIALS), GIT_ALLOW_PROTOCOL: config.ALLOW_INSECURE_GIT ? 'http:https' : 'https' };
  const local = { cwd: workspace, home, signal };
  const remote = (args: string[], what: string) => git(args, { ...local, env: net, what });
  const depth = input.depth ?? 1;
  const depthArgs = depth > 0 ? [`--depth=${depth}`] : [];
  try {
    await git(['init', '-q', '-b', 'main'], local);
    await git(['remote', 'add', 'origin', url], local);
    if (input.ref && FULL_COMMIT.test(input.ref)) {
      try {
        await remote(['fetch', '-q', '--no-tags', ...depthArgs, 'origin', input.ref], `fetch of commit ${input.ref} from ${url}`);
      } catch (err) {
        if (!(err instanceof GitError)) throw err;
        // The server does not serve unadvertised commits: fetch every branch's history and look there.
        await remote(['fetch', '-q', '--no-tags', 'origin', '+refs/heads/*:refs/remotes/origin/*'], `fetch of ${url}`);
      }
      try {
        await git(['checkout', '-q', '--detach', input.ref], local);
      } catch {
        throw new WorkspaceInputError(`workspace.git.ref ${input.ref} was not found in ${url}`);
      }
      await setAgentIdentity(workspace, home);
      return { ref: input.ref, commit: await headOf(workspace, home) };
    }
    const listed = await remote(['ls-remote', '--symref', 'origin', ...(input.ref ? [`refs/heads/${input.ref}`, `refs/tags/${input.ref}`] : ['HEAD'])], `git ls-remote of ${url}`);
    const refs = new Map(listed.split('\n').filter((l) => l && !l.startsWith('ref:')).map((l) => l.split('\t').reverse() as [string, string]));
    let branch: string | undefined;
    let tag: string | undefined;
    if (!input.ref) {
      branch = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(listed)?.[1];
      if (!branch && !refs.has('HEAD')) throw new WorkspaceInputError(`${url} has no HEAD (an empty repository?); name a workspace.git.ref`);
    } else if (refs.has(`refs/heads/${input.ref}`)) branch = input.ref;
    else if (refs.has(`refs/tags/${input.ref}`)) tag = input.ref;
    else throw new WorkspaceInputError(`workspace.git.ref ${input.ref} was not found in ${url}: it is not a branch or tag there (a commit must be the full id)`);
    if (tag) {
      await remote(['fetch', '-q', '--no-tags', ...depthArgs, 'origin', `+refs/tags/${tag}:refs/tags/${tag}`], `fetch of tag ${tag} from ${url}`);
      await git(['checkout', '-q', '--detach', `refs/tags/${tag}`], local);
    } else if (branch) {
      await remote(['fetch', '-q', '--no-tags', ...depthArgs, 'origin', `+refs/heads/${branch}:refs/remotes/origin/${branch}`], `fetch of branch ${branch} from ${url}`);
      await git(['checkout', '-q', '-B', branch, `refs/remotes/origin/${branch}`], local);
    } else {
      await remote(['fetch', '-q', '--no-tags', ...depthArgs, 'origin', 'HEAD'], `fetch of ${url}`);
      await git(['checkout', '-q', '-B', 'main', 'FETCH_HEAD'], local);
    }
    await setAgentIdentity(workspace, home);
    return { ref: tag ?? branch ?? 'HEAD', commit: await headOf(workspace, home) };
  } catch (err) {
    if (err instanceof GitError) throw new WorkspaceInputError(redactCredentials(err.message, config.GIT_CREDENTIALS));
    throw err;
  }
}

async function headOf(workspace: string, home: string): Promise<string> {
  return (await git(['rev-parse', 'HEAD'], { cwd: workspace, home })).trim();
}
