// A stand-in for GitLab's REST API (v4) on 127.0.0.1, for merge requests: no GitLab runs here. Each
// request is checked against the attributes GitLab's API documentation lists for it
// (doc/api/merge_requests.md: "List project merge requests", "Create MR"; doc/api/projects.md: "Get
// a single project"): an unknown attribute, a missing required one, a bad value or a missing token
// is refused (4xx) and recorded in `violations`. The git side is git http-backend.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

type Check = (value: unknown) => boolean;
const str: Check = (v) => typeof v === 'string';
const int: Check = (v) => (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^\d+$/.test(v));
const bool: Check = (v) => typeof v === 'boolean' || v === 'true' || v === 'false';
const ints: Check = (v) => Array.isArray(v) ? v.every(int) : int(v);
const oneOf = (...values: string[]): Check => (v) => typeof v === 'string' && values.includes(v);

/** Attributes of GET /projects/:id/merge_requests (query). */
const LIST_ATTRIBUTES: Record<string, Check> = {
  approved_by_ids: ints, approver_ids: ints, approved: oneOf('yes', 'no'), assignee_id: str, author_id: int, author_username: str,
  created_after: str, created_before: str, deployed_after: str, deployed_before: str, environment: str, iids: ints, labels: str,
  milestone: str, my_reaction_emoji: str, not: str, order_by: oneOf('created_at', 'updated_at', 'merged_at', 'title'), reviewer_id: str,
  reviewer_username: str, scope: oneOf('created_by_me', 'assigned_to_me', 'all'), search: str, sort: oneOf('asc', 'desc'),
  source_branch: str, source_project_id: int, state: oneOf('opened', 'closed', 'locked', 'merged', 'all'), target_branch: str,
  updated_after: str, updated_before: str, view: oneOf('simple'), with_labels_details: bool, with_merge_status_recheck: bool,
  wip: oneOf('yes', 'no'), page: int, per_page: int, pagination: oneOf('keyset', 'offset'),
};

/** Attributes of POST /projects/:id/merge_requests (body); source_branch, target_branch and title are required. */
const CREATE_ATTRIBUTES: Record<string, Check> = {
  source_branch: str, target_branch: str, title: str, allow_collaboration: bool, approvals_before_merge: int,
  allow_maintainer_to_push: bool, assignee_id: int, assignee_ids: ints, description: (v) => str(v) && (v as string).length <= 1_048_576,
  labels: (v) => str(v) || (Array.isArray(v) && v.every(str)), merge_after: str, milestone_id: int, remove_source_branch: bool,
  reviewer_ids: ints, squash: bool, target_project_id: int,
};
const CREATE_REQUIRED = ['source_branch', 'target_branch', 'title'];

export interface GitLabMergeRequest {
  id: number;
  iid: number;
  project: string;
  title: string;
  description: string | null;
  source_branch: string;
  target_branch: string;
  state: 'opened' | 'closed' | 'merged';
  created_at: string;
}

export class GitLabStandin {
  readonly violations: string[] = [];
  readonly requests: { method: string; path: string; query: Record<string, string>; body: unknown; status: number }[] = [];
  readonly mergeRequests: GitLabMergeRequest[] = [];
  /** `group/project` → default branch. */
  readonly projects = new Map<string, string>();
  url = '';
  private readonly server = http.createServer((req, res) => void this.serve(req, res));

  constructor(private readonly token: string) {}

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.url);
    const query = Object.fromEntries(url.searchParams);
    let body: Record<string, unknown> = {};
    const answer = (status: number, value: unknown) => {
      this.requests.push({ method: req.method ?? '', path: url.pathname, query, body, status });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    };
    const refuse = (status: number, message: string) => {
      this.violations.push(`${req.method} ${url.pathname}: ${message}`);
      answer(status, { message });
    };
    if (raw) {
      if (!String(req.headers['content-type']).startsWith('application/json')) return refuse(415, 'the body is not application/json');
      body = JSON.parse(raw) as Record<string, unknown>;
    }
    const token = req.headers['private-token'] ?? /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (token !== this.token) return refuse(401, '401 Unauthorized');
    // The URL-encoded path of a project (`group%2Fproject`) is its id, as GitLab documents.
    const m = /^\/api\/v4\/projects\/([^/]+)(\/merge_requests)?$/.exec(url.pathname.replace(/%2F/gi, '%2F'));
    const project = m ? decodeURIComponent(m[1]!) : undefined;
    if (!m || !project || !this.projects.has(project)) return refuse(404, `404 Not found: ${url.pathname}`);
    if (!m[2] && req.method === 'GET') {
      if (Object.keys(query).length) return refuse(400, `GET /projects/:id takes no ${Object.keys(query).join(', ')} here`);
      return answer(200, { id: 1, path_with_namespace: project, default_branch: this.projects.get(project), web_url: `${this.url}/${project}` });
    }
    if (m[2] && req.method === 'GET') {
      const bad = Object.entries(query).filter(([k, v]) => !LIST_ATTRIBUTES[k.replace(/\[\]$/, '')]?.(v));
      if (bad.length) return refuse(400, `not attributes of List project merge requests (or bad values): ${bad.map(([k, v]) => `${k}=${v}`).join(', ')}`);
      const found = this.mergeRequests.filter((mr) => mr.project === project && (!query.source_branch || mr.source_branch === query.source_branch) && (!query.state || query.state === 'all' || mr.state === query.state));
      return answer(200, found.map((mr) => this.view(mr)));
    }
    if (m[2] && req.method === 'POST') {
      const bad = Object.entries(body).filter(([k, v]) => k !== 'id' && !CREATE_ATTRIBUTES[k]?.(v));
      const missing = CREATE_REQUIRED.filter((k) => !str(body[k]) || !(body[k] as string).length);
      if (bad.length || missing.length) return refuse(400, `Create MR: ${[...bad.map(([k]) => `unknown or bad attribute ${k}`), ...missing.map((k) => `${k} is missing`)].join(', ')}`);
      if (this.mergeRequests.some((mr) => mr.project === project && mr.source_branch === body.source_branch && mr.state === 'opened')) {
        return answer(409, { message: [`Another open merge request already exists for this source branch`] });
      }
      const mr: GitLabMergeRequest = {
        id: 500 + this.mergeRequests.length,
        iid: this.mergeRequests.filter((x) => x.project === project).length + 1,
        project,
        title: String(body.title),
        description: typeof body.description === 'string' ? body.description : null,
        source_branch: String(body.source_branch),
        target_branch: String(body.target_branch),
        state: 'opened',
        created_at: new Date().toISOString(),
      };
      this.mergeRequests.push(mr);
      return answer(201, this.view(mr));
    }
    return refuse(405, `${req.method} is not an operation of ${url.pathname} here`);
  }

  /** The documented fields of a merge request that a client reads. */
  private view(mr: GitLabMergeRequest): Record<string, unknown> {
    return {
      id: mr.id, iid: mr.iid, project_id: 1, title: mr.title, description: mr.description, state: mr.state,
      created_at: mr.created_at, updated_at: mr.created_at, target_branch: mr.target_branch, source_branch: mr.source_branch,
      draft: /^(draft:|\[draft\])/i.test(mr.title), work_in_progress: /^(draft:|\[draft\])/i.test(mr.title),
      merge_status: 'can_be_merged', detailed_merge_status: 'mergeable', source_project_id: 1, target_project_id: 1,
      author: { id: 1, username: 'codex-jobs', name: 'codex-jobs', state: 'active' }, labels: [],
      web_url: `${this.url}/${mr.project}/-/merge_requests/${mr.iid}`,
    };
  }
}

export async function startGitLabStandin(token: string): Promise<GitLabStandin> {
  return new GitLabStandin(token).listen();
}
