// Pull requests on Gitea or Forgejo (FORGE_HOSTS `host=gitea`) through the GitHub client: Gitea's
// /api/v1 takes octokit's repos.get, pulls.list/create with the same shapes. What differs is handled
// here: Gitea has no draft flag (its convention is a title starting with "WIP:"), and it ignores the
// list's `head` filter (openPullRequestOfBranch checks each head ref). No GitHub App on Gitea: the
// token is GIT_CREDENTIALS' for the host (host-credentials.ts asks the App only for GitHub hosts).
import type { GitHubClient } from './github.js';
import { openPullRequestOfBranch } from './github.js';
import type { OpenedPullRequest, PullRequestSpec } from './open-pull-request.js';

/** Gitea's default WORK_IN_PROGRESS_PREFIXES are "WIP:" and "[WIP]". */
const WIP_PREFIX = /^(wip:|\[wip\])/i;

export function giteaTitle(spec: Pick<PullRequestSpec, 'title' | 'draft'>): string {
  return spec.draft && !WIP_PREFIX.test(spec.title) ? `WIP: ${spec.title}` : spec.title;
}

/** The open pull request of the branch if there is one (never a second), else a new one. */
export async function openGiteaPullRequest(client: GitHubClient, spec: PullRequestSpec): Promise<OpenedPullRequest> {
  const { octokit, owner, repo } = client;
  const existing = await openPullRequestOfBranch(client, spec.branch);
  if (existing) return { created: false, pull_request: existing };
  const base = spec.base ?? (await octokit.rest.repos.get({ owner, repo })).data.default_branch;
  const made = await octokit.rest.pulls.create({ owner, repo, head: spec.branch, base, title: giteaTitle(spec), body: spec.body });
  return { created: true, pull_request: { url: made.data.html_url, number: made.data.number } };
}
