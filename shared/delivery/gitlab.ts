// Merge requests on GitLab (gitlab.com, a self-managed GitLab, or a test server named in
// FORGE_HOSTS) through @gitbeaker/rest, with the credentials that pushed. GitLab has no draft flag
// on create: a draft is a title starting with "Draft:" (GitLab's documented convention).
import type { Forge } from './delivery-config.js';
import { repositoryPath } from './delivery-config.js';
import type { HostCredentials } from './host-credentials.js';
import type { OpenedPullRequest, PullRequestSpec } from './open-pull-request.js';
import { lazyPackage } from '../lazy-package.js';

export async function openGitLabMergeRequest(forge: Forge, gitUrl: string, credentials: HostCredentials, spec: PullRequestSpec): Promise<OpenedPullRequest> {
  const { Gitlab } = await lazyPackage(() => import('@gitbeaker/rest'));
  // gitbeaker adds /api/v4 to its host itself.
  const host = forge.apiBaseUrl.replace(/\/api\/v4\/?$/, '');
  const api = new Gitlab({ host, ...(credentials.token ? { token: credentials.token } : { token: '' }) });
  const projectId = repositoryPath(new URL(gitUrl));
  const open = await api.MergeRequests.all({ projectId, sourceBranch: spec.branch, state: 'opened', perPage: 1, maxPages: 1 });
  const existing = open[0];
  if (existing) return { created: false, pull_request: { url: existing.web_url, number: existing.iid } };
  const target = spec.base ?? (await api.Projects.show(projectId)).default_branch;
  const title = spec.draft && !/^(draft:|\[draft\])/i.test(spec.title) ? `Draft: ${spec.title}` : spec.title;
  const made = await api.MergeRequests.create(projectId, spec.branch, target, title, { description: spec.body });
  return { created: true, pull_request: { url: made.web_url, number: made.iid } };
}
