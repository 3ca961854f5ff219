// The stand-in's state as GitHub's answers show it: a repository, a pull request, an issue comment,
// an installation. Each builder gives the fields a test cares about; sampleOf fills every other
// field GitHub's schema requires.
import type { GitHubDescription } from './openapi-description.js';
import { sampleOf } from './schema-sample.js';

export interface StandinRepository {
  id: number;
  owner: string;
  name: string;
  default_branch: string;
  private: boolean;
  /** The bare repository on disk that git http-backend serves (and merge() moves). */
  bareDir: string;
  /** The git URL clients clone and push. */
  cloneUrl: string;
  installationId?: number;
}

export interface StandinPull {
  id: number;
  number: number;
  repo: string;
  title: string;
  body: string | null;
  head: string;
  /** The head repository (`owner/name`); the base repository unless a fork's. */
  headRepo: string;
  base: string;
  draft: boolean;
  state: 'open' | 'closed';
  merged: boolean;
  created_at: string;
  updated_at: string;
}

export interface StandinComment {
  id: number;
  repo: string;
  issue_number: number;
  body: string;
  created_at: string;
  updated_at: string;
}

export interface StandinInstallation {
  id: number;
  account: string;
  repositories: string[];
}

export class Bodies {
  constructor(
    private readonly description: GitHubDescription,
    /** Where html_url and url point (the stand-in's own address). */
    private readonly base: string,
  ) {}

  user(login: string): Record<string, unknown> {
    return sampleOf(this.description, { $ref: '#/components/schemas/simple-user' }, {
      login,
      id: idOf(login),
      type: 'User',
      html_url: `${this.base}/${encodeURIComponent(login)}`,
      url: `${this.base}/users/${encodeURIComponent(login)}`,
    }) as Record<string, unknown>;
  }

  repository(repo: StandinRepository, schema = 'full-repository'): Record<string, unknown> {
    const full = `${repo.owner}/${repo.name}`;
    return sampleOf(this.description, { $ref: `#/components/schemas/${schema}` }, {
      id: repo.id,
      node_id: `R_${repo.id}`,
      name: repo.name,
      full_name: full,
      owner: this.user(repo.owner),
      private: repo.private,
      html_url: `${this.base}/${full}`,
      url: `${this.base}/repos/${full}`,
      clone_url: repo.cloneUrl,
      default_branch: repo.default_branch,
      visibility: repo.private ? 'private' : 'public',
    }) as Record<string, unknown>;
  }

  pull(pr: StandinPull, repos: { base: StandinRepository; head: StandinRepository }, shas: { head: string; base: string }): Record<string, unknown> {
    const html = `${this.base}/${pr.repo}/pull/${pr.number}`;
    const side = (ref: string, repo: StandinRepository, sha: string) => ({ label: `${repo.owner}:${ref}`, ref, sha, repo: this.repository(repo, 'repository'), user: this.user(repo.owner) });
    return sampleOf(this.description, { $ref: '#/components/schemas/pull-request' }, {
      id: pr.id,
      node_id: `PR_${pr.id}`,
      number: pr.number,
      url: `${this.base}/repos/${pr.repo}/pulls/${pr.number}`,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: `${this.base}/repos/${pr.repo}/issues/${pr.number}`,
      state: pr.state,
      title: pr.title,
      body: pr.body,
      draft: pr.draft,
      merged: pr.merged,
      merged_at: pr.merged ? pr.updated_at : null,
      closed_at: pr.state === 'closed' ? pr.updated_at : null,
      created_at: pr.created_at,
      updated_at: pr.updated_at,
      user: this.user('codex-jobs[bot]'),
      author_association: 'NONE',
      head: side(pr.head, repos.head, shas.head),
      base: side(pr.base, repos.base, shas.base),
    }) as Record<string, unknown>;
  }

  /** The pull-request-simple shape of GET /pulls (a list's items). */
  pullSimple(full: Record<string, unknown>): Record<string, unknown> {
    const keys = Object.keys((this.description.deref<{ properties: object }>({ $ref: '#/components/schemas/pull-request-simple' })).properties);
    const picked = Object.fromEntries(Object.entries(full).filter(([k]) => keys.includes(k)));
    return sampleOf(this.description, { $ref: '#/components/schemas/pull-request-simple' }, picked) as Record<string, unknown>;
  }

  comment(c: StandinComment): Record<string, unknown> {
    return sampleOf(this.description, { $ref: '#/components/schemas/issue-comment' }, {
      id: c.id,
      node_id: `IC_${c.id}`,
      body: c.body,
      url: `${this.base}/repos/${c.repo}/issues/comments/${c.id}`,
      html_url: `${this.base}/${c.repo}/issues/${c.issue_number}#issuecomment-${c.id}`,
      issue_url: `${this.base}/repos/${c.repo}/issues/${c.issue_number}`,
      user: this.user('codex-jobs[bot]'),
      author_association: 'NONE',
      created_at: c.created_at,
      updated_at: c.updated_at,
    }) as Record<string, unknown>;
  }

  installation(inst: StandinInstallation, appId: number): Record<string, unknown> {
    return sampleOf(this.description, { $ref: '#/components/schemas/installation' }, {
      id: inst.id,
      app_id: appId,
      account: this.user(inst.account),
      target_type: 'Organization',
      repository_selection: 'selected',
      access_tokens_url: `${this.base}/app/installations/${inst.id}/access_tokens`,
      repositories_url: `${this.base}/installation/repositories`,
      html_url: `${this.base}/settings/installations/${inst.id}`,
      permissions: { contents: 'write', pull_requests: 'write', issues: 'write' },
      events: ['issue_comment', 'issues', 'pull_request_review_comment'],
    }) as Record<string, unknown>;
  }

  installationToken(token: string, expiresAt: string): Record<string, unknown> {
    return sampleOf(this.description, { $ref: '#/components/schemas/installation-token' }, {
      token,
      expires_at: expiresAt,
      permissions: { contents: 'write', pull_requests: 'write', issues: 'write' },
      repository_selection: 'selected',
    }) as Record<string, unknown>;
  }
}

/** A stable positive id of a name. */
export function idOf(name: string): number {
  let h = 7;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) % 1_000_000_007;
  return h + 1;
}
