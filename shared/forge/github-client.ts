// The GitHub API of the host a repository's git URL is on (FORGE_HOSTS, or github.com), with that
// host's credentials: delivery's authenticated Octokit (the GitHub App's installation token where
// the App is installed, else GIT_CREDENTIALS). Loaded only where a GitHub call is made.
import type { Config } from '../config.js';
import { githubApiOver, type GithubApi } from './github-api.js';

export async function githubApiFor(config: Config, cloneUrl: string): Promise<GithubApi> {
  const { githubClientFor } = await import('../delivery/github.js');
  const client = await githubClientFor(cloneUrl, config);
  if (!client) throw new Error(`${new URL(cloneUrl).host} is not a GitHub host (github.com, or FORGE_HOSTS host=github)`);
  return githubApiOver(client.octokit);
}
