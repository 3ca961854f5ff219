// Pull requests on GitHub (github.com, GitHub Enterprise Server, or a test server named in
// FORGE_HOSTS) through @octokit/rest, with the same credentials as the push (host-credentials.ts).
// Loaded lazily: only a delivery to GitHub (or the forge intake) needs octokit.
import type { Octokit } from '@octokit/rest';
import { forgeOf, repositoryPath } from './delivery-config.js';
import { SILENT } from './github-app.js';
import { hostCredentials, type CredentialConfig, type HostCredentials } from './host-credentials.js';
import type { OpenedPullRequest, PullRequestSpec } from './open-pull-request.js';
import { lazyPackage } from '../lazy-package.js';

export interface GitHubClient {
  octokit: Octokit;
  owner: string;
  repo: string;
  credentials: HostCredentials;
}

/**
 * An authenticated Octokit for a repository's git URL (the App's installation token when the App
 * is installed there, else GIT_CREDENTIALS' token for the host), or null when the URL's host is not
 * a GitHub (FORGE_HOSTS, github.com).
 */
export async function githubClientFor(repoUrl: string, config: CredentialConfig, known?: HostCredentials): Promise<GitHubClient | null> {
  const url = new URL(repoUrl);
  const forge = forgeOf(url, config.FORGE_HOSTS);
  if (forge?.kind !== 'github') return null;
  const credentials = known ?? (await hostCredentials(url, config));
  const { Octokit } = await lazyPackage(() => import('@octokit/rest'));
  const octokit = new Octokit({ baseUrl: forge.apiBaseUrl, log: SILENT, userAgent: 'codex-jobs', ...(credentials.token ? { auth: credentials.token } : {}) });
  const [owner, repo] = repositoryPath(url).split('/') as [string, string];
  return { octokit, owner, repo, credentials };
}

/** The open pull request of the branch if there is one (never a second), else a new one. */
export async function openGitHubPullRequest(client: GitHubClient, spec: PullRequestSpec): Promise<OpenedPullRequest> {
  const { octokit, owner, repo } = client;
  const open = await octokit.rest.pulls.list({ owner, repo, head: `${owner}:${spec.branch}`, state: 'open', per_page: 1 });
  const existing = open.data[0];
  if (existing) return { created: false, pull_request: { url: existing.html_url, number: existing.number } };
  const base = spec.base ?? (await octokit.rest.repos.get({ owner, repo })).data.default_branch;
  const made = await octokit.rest.pulls.create({ owner, repo, head: spec.branch, base, title: spec.title, body: spec.body, draft: spec.draft });
  return { created: true, pull_request: { url: made.data.html_url, number: made.data.number } };
}
