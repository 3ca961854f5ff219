// The enqueue API with GitHub intake on, against a GitHub stand-in world (git http-backend + the API
// stand-in) holding octo/hello (mapped to alice) and octo/quota (mapped to bob, one job a day).
import type { JobDocument } from '../../../../shared/jobs/job-document.js';
import { examplePayload, githubDelivery, type Delivery } from '../../../support/github-webhooks.js';
import { startGitHubWorld, type GitHubWorld } from '../../../support/github-standin/github-world.js';
import { startApi, type ApiServer } from '../../api/support/api-server.js';
import { recordResponse } from '../../api/support/openapi-conformance.js';

export const SECRET = 'github-webhook-secret-for-tests';
export const TOKEN = 'ghp_forge_intake_test_token';
/** The issue the example comments are on: clear of the stand-in's pull request numbers (issues and pull requests share them). */
export const ISSUE = 41;

export interface ForgeAnswerBody {
  job_id?: string;
  ignored?: string;
  error?: { code: string; message: string };
}

export interface ForgeIntake {
  world: GitHubWorld;
  api: ApiServer;
  cloneUrl: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests edit the payloads' fields freely
  issueComment(body: string, options?: { association?: string; repo?: string; onPull?: number }): Record<string, any>;
  signed(event: string, payload: unknown, deliveryId?: string): Delivery;
  post(d: Delivery, headers?: Record<string, string>): Promise<{ status: number; body: ForgeAnswerBody; headers: Headers }>;
  jobsOf(owner: string): Promise<JobDocument[]>;
  commentsOn(repo: string, number: number): GitHubWorld['api']['comments'];
  openPull(head: string, base?: string): Promise<number>;
  close(): Promise<void>;
}

export async function startForgeIntake(): Promise<ForgeIntake> {
  const world = await startGitHubWorld({ token: TOKEN });
  const cloneUrl = (await world.repository('octo', 'hello')).url;
  await world.repository('octo', 'quota');
  const api = await startApi({
    env: {
      API_KEYS: 'alice:alice-key,bob:bob-key,root:root-key',
      GITHUB_WEBHOOK_SECRET: SECRET,
      GITHUB_REPOS: 'octo/hello=alice,octo/quota=bob',
      QUOTAS: 'bob:jobs_per_day=1',
      FORGE_HOSTS: `${world.gitHost}=github@${world.api.url}`,
      GIT_CREDENTIALS: `${world.gitHost}=${TOKEN}`,
      GIT_ALLOWLIST: '127.0.0.1',
      ALLOW_INSECURE_GIT: '1',
    },
  });
  return {
    world,
    api,
    cloneUrl,
    issueComment(body, options = {}) {
      const p = examplePayload('issue_comment', 'created');
      const repo = options.repo ?? 'octo/hello';
      Object.assign(p.repository, { full_name: repo, name: repo.split('/')[1], clone_url: `${world.git.url}/${repo}.git`, default_branch: 'main' });
      p.comment.body = body;
      p.comment.author_association = options.association ?? 'COLLABORATOR';
      p.issue.number = ISSUE;
      if (options.onPull) Object.assign(p.issue, { number: options.onPull, pull_request: { url: `${world.api.url}/repos/${repo}/pulls/${options.onPull}` } });
      return p;
    },
    signed: (event, payload, deliveryId) => githubDelivery(event, payload, { secret: SECRET, ...(deliveryId ? { deliveryId } : {}) }),
    async post(d, headers = d.headers) {
      const res = await fetch(`${api.url}/forge/github`, { method: 'POST', headers, body: d.body });
      const body = (await res.json()) as ForgeAnswerBody;
      recordResponse({ method: 'POST', path: '/forge/github', status: res.status, contentType: res.headers.get('content-type') ?? '', body });
      return { status: res.status, body, headers: res.headers };
    },
    async jobsOf(owner) {
      return (await api.env.firestore.collection('jobs').where('owner', '==', owner).get()).docs.map((d) => d.data() as JobDocument);
    },
    commentsOn: (repo, number) => world.api.comments.filter((c) => c.repo === repo && c.issue_number === number),
    async openPull(head, base = 'main') {
      const res = await fetch(`${world.api.url}/repos/octo/hello/pulls`, {
        method: 'POST',
        headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: `Pull ${head}`, head, base }),
      });
      if (res.status !== 201) throw new Error(`the stand-in answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { number: number }).number;
    },
    async close() {
      await api.close();
      await world.close();
    },
  };
}
