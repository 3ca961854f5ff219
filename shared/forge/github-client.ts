// The GitHub API of the host a repository's git URL is on (FORGE_HOSTS, or github.com), with that
// host's credentials. Loaded only where a GitHub call is made (the intake, the notifier's edit).
import type { Config } from '../config.js';
import { forgeOf } from '../delivery/delivery-config.js';
import { tokenFor } from '../workspace/git-credentials.js';
import { githubApiOver, type GithubApi, type OctokitLike } from './github-api.js';

export async function githubApiFor(config: Config, cloneUrl: string): Promise<GithubApi> {
  const url = new URL(cloneUrl);
  const forge = forgeOf(url, config.FORGE_HOSTS);
  if (!forge || forge.kind !== 'github') throw new Error(`${url.host} is not a GitHub host (FORGE_HOSTS)`);
  const token = tokenFor(config.GIT_CREDENTIALS, url);
  const { Octokit } = await import('@octokit/rest');
  return githubApiOver(new Octokit({ baseUrl: forge.apiBaseUrl, ...(token ? { auth: token.includes(':') ? token.slice(token.indexOf(':') + 1) : token } : {}) }) as unknown as OctokitLike);
}
