// A pull request (GitHub, Gitea) or merge request (GitLab) for a delivered branch: the one host kind's
// module is loaded when it is used, with the credentials that pushed.
import type { DeliveredPullRequest } from './delivery-schemas.js';
import type { Forge } from './delivery-config.js';
import type { CredentialConfig, HostCredentials } from './host-credentials.js';

export interface PullRequestSpec {
  branch: string;
  /** Undefined: the repository's default branch. */
  base?: string;
  title: string;
  body: string;
  draft: boolean;
}

export interface OpenedPullRequest {
  /** false: the branch already had an open one, which is the one (never a second). */
  created: boolean;
  pull_request: DeliveredPullRequest;
}

export async function openPullRequest(forge: Forge, gitUrl: string, config: CredentialConfig, credentials: HostCredentials, spec: PullRequestSpec): Promise<OpenedPullRequest> {
  if (forge.kind === 'github') {
    const { githubClientFor, openGitHubPullRequest } = await import('./github.js');
    return openGitHubPullRequest((await githubClientFor(gitUrl, config, credentials))!, spec);
  }
  if (forge.kind === 'gitea') {
    const [{ githubClientFor }, { openGiteaPullRequest }] = await Promise.all([import('./github.js'), import('./gitea.js')]);
    return openGiteaPullRequest((await githubClientFor(gitUrl, config, credentials, 'gitea'))!, spec);
  }
  const { openGitLabMergeRequest } = await import('./gitlab.js');
  return openGitLabMergeRequest(forge, gitUrl, credentials, spec);
}
