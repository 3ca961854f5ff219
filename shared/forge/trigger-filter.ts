// Which GitHub deliveries make a job (Jobs from GitHub): a created issue or pull request comment, or
// pull request review comment, whose body starts with TRIGGER_PHRASE, by an OWNER, MEMBER or
// COLLABORATOR; an issue labeled TRIGGER_LABEL; in a repository GITHUB_REPOS maps to a key.
// Everything else is ignored with a reason (the route answers 202 {ignored: reason}).
import type { Config } from '../config.js';
import {
  anyEventSchema,
  AUTHOR_ASSOCIATIONS_ALLOWED,
  issueCommentEventSchema,
  issuesEventSchema,
  reviewCommentEventSchema,
  type PullRequestHead,
  type ReviewCommentEvent,
} from './github-events.js';
import { mappingFor, type RepoMapping } from './github-repos.js';

export interface TriggerTarget {
  kind: 'issue' | 'pull_request';
  number: number;
  title: string;
  body: string;
  /** The pull request's head and base when the event carried them (review comments); else looked up. */
  pull?: PullRequestHead;
}

export interface Trigger {
  event: 'issue_comment' | 'pull_request_review_comment' | 'issues';
  repository: { full_name: string; clone_url: string; default_branch: string };
  mapping: RepoMapping;
  /** What the comment asked, after the phrase ('' for a label). */
  instruction: string;
  target: TriggerTarget;
  /** The comment that asked (absent for a label). */
  comment?: { id: number; author: string; html_url?: string; path?: string; line?: number | null; diff_hunk?: string };
}

export type FilterOutcome = { trigger: Trigger } | { ignored: string };

type FilterConfig = Pick<Config, 'GITHUB_REPOS' | 'TRIGGER_PHRASE' | 'TRIGGER_LABEL'>;

/** The text after the phrase when `body` starts with it (as a whole word, any case); undefined otherwise. */
export function textAfterPhrase(body: string, phrase: string): string | undefined {
  const text = body.trimStart();
  if (text.slice(0, phrase.length).toLowerCase() !== phrase.toLowerCase()) return undefined;
  const rest = text.slice(phrase.length);
  // `@codex-jobsbot` is another name, not the phrase.
  if (rest !== '' && !/^[\s:,.!?]/.test(rest)) return undefined;
  return rest.replace(/^[\s:,]+/, '').trim();
}

function repositoryOf(config: FilterConfig, fullName: string): { mapping: RepoMapping } | { ignored: string } {
  const mapping = mappingFor(config.GITHUB_REPOS, fullName);
  return mapping ? { mapping } : { ignored: `repository ${fullName} is not mapped in GITHUB_REPOS` };
}

type CommentFields = { body: string | null; author_association: string; user: { login: string } | null };

function commentProblem(comment: CommentFields, phrase: string): { ignored: string } | { instruction: string } {
  const instruction = textAfterPhrase(comment.body ?? '', phrase);
  if (instruction === undefined) return { ignored: `the comment does not start with ${phrase}` };
  if (!(AUTHOR_ASSOCIATIONS_ALLOWED as readonly string[]).includes(comment.author_association)) {
    return { ignored: `the comment's author (${comment.user?.login ?? 'unknown'}, ${comment.author_association}) is not an owner, member or collaborator` };
  }
  return { instruction };
}

export function filterEvent(config: FilterConfig, eventName: string, payload: unknown): FilterOutcome {
  const any = anyEventSchema.safeParse(payload);
  const action = any.success ? any.data.action : undefined;
  const named = `${eventName}${action ? `.${action}` : ''}`;
  if (eventName === 'issue_comment' || eventName === 'pull_request_review_comment') {
    if (action !== 'created') return { ignored: `event ${named} does not start jobs (only comments created)` };
    return eventName === 'issue_comment' ? fromIssueComment(config, payload) : fromReviewComment(config, payload);
  }
  if (eventName === 'issues') {
    if (action !== 'labeled') return { ignored: `event ${named} does not start jobs (only issues labeled ${config.TRIGGER_LABEL})` };
    return fromLabel(config, payload);
  }
  return { ignored: `event ${named} does not start jobs` };
}

function fromIssueComment(config: FilterConfig, payload: unknown): FilterOutcome {
  const parsed = issueCommentEventSchema.safeParse(payload);
  if (!parsed.success) return { ignored: 'the issue_comment payload lacks the fields a job needs' };
  const e = parsed.data;
  const repo = repositoryOf(config, e.repository.full_name);
  if ('ignored' in repo) return repo;
  const asked = commentProblem(e.comment, config.TRIGGER_PHRASE);
  if ('ignored' in asked) return asked;
  return {
    trigger: {
      event: 'issue_comment',
      repository: e.repository,
      mapping: repo.mapping,
      instruction: asked.instruction,
      target: { kind: e.issue.pull_request ? 'pull_request' : 'issue', number: e.issue.number, title: e.issue.title, body: e.issue.body ?? '' },
      comment: { id: e.comment.id, author: e.comment.user?.login ?? 'unknown', ...(e.comment.html_url ? { html_url: e.comment.html_url } : {}) },
    },
  };
}

function fromReviewComment(config: FilterConfig, payload: unknown): FilterOutcome {
  const parsed = reviewCommentEventSchema.safeParse(payload);
  if (!parsed.success) return { ignored: 'the pull_request_review_comment payload lacks the fields a job needs' };
  const e: ReviewCommentEvent = parsed.data;
  const repo = repositoryOf(config, e.repository.full_name);
  if ('ignored' in repo) return repo;
  const asked = commentProblem(e.comment, config.TRIGGER_PHRASE);
  if ('ignored' in asked) return asked;
  const c = e.comment;
  return {
    trigger: {
      event: 'pull_request_review_comment',
      repository: e.repository,
      mapping: repo.mapping,
      instruction: asked.instruction,
      target: { kind: 'pull_request', number: e.pull_request.number, title: e.pull_request.title, body: e.pull_request.body ?? '', pull: e.pull_request },
      comment: {
        id: c.id,
        author: c.user?.login ?? 'unknown',
        ...(c.html_url ? { html_url: c.html_url } : {}),
        ...(c.path ? { path: c.path } : {}),
        ...(c.line !== undefined ? { line: c.line } : {}),
        ...(c.diff_hunk ? { diff_hunk: c.diff_hunk } : {}),
      },
    },
  };
}

function fromLabel(config: FilterConfig, payload: unknown): FilterOutcome {
  const parsed = issuesEventSchema.safeParse(payload);
  if (!parsed.success) return { ignored: 'the issues payload lacks the fields a job needs' };
  const e = parsed.data;
  if (e.label?.name.toLowerCase() !== config.TRIGGER_LABEL.toLowerCase()) return { ignored: `label ${e.label?.name ?? '(none)'} is not ${config.TRIGGER_LABEL}` };
  const repo = repositoryOf(config, e.repository.full_name);
  if ('ignored' in repo) return repo;
  return {
    trigger: {
      event: 'issues',
      repository: e.repository,
      mapping: repo.mapping,
      instruction: '',
      target: { kind: e.issue.pull_request ? 'pull_request' : 'issue', number: e.issue.number, title: e.issue.title, body: e.issue.body ?? '' },
    },
  };
}
