// Pull requests on GitHub (github.com, GitHub Enterprise Server, or a test server named in
// FORGE_HOSTS) through @octokit/rest, with the same credentials as the push (host-credentials.ts).
// Gitea's API matches these calls closely enough that gitea.ts uses the same client.
// Loaded lazily: only a delivery to GitHub or Gitea (or the forge intake) needs octokit.
import type { Octokit } from '@octokit/rest';
import { forgeOf, repositoryPath, type ForgeKind } from './delivery-config.js';
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
 * of the kind asked for (a GitHub by default: FORGE_HOSTS, github.com).
 */
export async function githubClientFor(repoUrl: string, config: CredentialConfig, known?: HostCredentials, kind: ForgeKind = 'github'): Promise<GitHubClient | null> {
  const url = new URL(repoUrl);
  const forge = forgeOf(url, config.FORGE_HOSTS);
  if (forge?.kind !== kind) return null;
  const credentials = known ?? (await hostCredentials(url, config));
  const { Octokit } = await lazyPackage(() => import('@octokit/rest'));
  const octokit = new Octokit({ baseUrl: forge.apiBaseUrl, log: SILENT, userAgent: 'codex-jobs', ...(credentials.token ? { auth: credentials.token } : {}) });
  const [owner, repo] = repositoryPath(url).split('/') as [string, string];
  return { octokit, owner, repo, credentials };
}

/** The open pull request of the branch if there is one (never a second), else a new one. */
export async function openGitHubPullRequest(client: GitHubClient, spec: PullRequestSpec): Promise<OpenedPullRequest> {
  const { octokit, owner, repo } = client;
  const existing = await openPullRequestOfBranch(client, spec.branch);
  if (existing) return { created: false, pull_request: existing };
  const base = spec.base ?? (await octokit.rest.repos.get({ owner, repo })).data.default_branch;
  const made = await octokit.rest.pulls.create({ owner, repo, head: spec.branch, base, title: spec.title, body: spec.body, draft: spec.draft });
  return { created: true, pull_request: { url: made.data.html_url, number: made.data.number } };
}

/**
 * The open pull request whose head is this branch of this repository's owner. The `head` filter
 * narrows GitHub's list, but a host that ignores it (Gitea does) lists every open pull request:
 * each is checked by its head ref, and by its head's owner where the host gives it.
 */
export async function openPullRequestOfBranch(client: GitHubClient, branch: string): Promise<{ url: string; number: number } | undefined> {
  const { octokit, owner, repo } = client;
  const sameOwner = (login: string | undefined) => login === undefined || login.toLowerCase() === owner.toLowerCase();
  for await (const page of octokit.paginate.iterator(octokit.rest.pulls.list, { owner, repo, head: `${owner}:${branch}`, state: 'open', per_page: 50 })) {
    const mine = page.data.find((pr) => pr.head.ref === branch && sameOwner(pr.head.repo?.owner?.login ?? pr.head.user?.login));
    if (mine) return { url: mine.html_url, number: mine.number };
  }
  return undefined;
}
