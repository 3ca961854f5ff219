// The job a GitHub trigger makes: its request (prompt, workspace, delivery, session, metadata) and
// its derived ids. Pure: the pull request's head and an earlier job's pull request session are
// looked up by the caller and passed in.
import { createHash } from 'node:crypto';
import { derivedJobId } from '../jobs/job-id.js';
import { MAX_PROMPT_CHARS } from '../jobs/job-request.js';
import type { PullRequestHead } from './github-events.js';
import type { Trigger } from './trigger-filter.js';

/** The session a pull request continues when a job of ours opened it (forge-links.ts). */
export interface PullSessionLink {
  owner: string;
  session_id: string;
}

export interface GithubJobInput {
  trigger: Trigger;
  deliveryId: string;
  /** The pull request's head and base (for a pull request target). */
  pull?: PullRequestHead;
  /** Set when the target pull request was opened by a job of the same owner: the follow-up continues that session. */
  link?: PullSessionLink;
  timeoutMs: number;
}

export interface GithubJob {
  jobId: string;
  owner: string;
  /** The JobRequest (validated by the caller with the API's schema). */
  request: Record<string, unknown>;
}

/** The job of a delivery: one per X-GitHub-Delivery, so a redelivery derives the same id. */
export function githubJobId(deliveryId: string): string {
  return derivedJobId('github', deliveryId);
}

/** One session per issue or pull request: `gh-` and a hash of the repository (case-folded) and number. */
export function githubSessionId(fullName: string, number: number): string {
  return `gh-${createHash('sha256').update(`${fullName.toLowerCase()}#${number}`).digest('hex').slice(0, 40)}`;
}

const BODY_LIMIT = 20_000;

function clip(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}\n[… ${text.length - limit} more characters left out]`;
}

export function githubPrompt(trigger: Trigger): string {
  const { target, comment } = trigger;
  const what = target.kind === 'issue' ? `issue #${target.number}` : `pull request #${target.number}`;
  const ask = trigger.instruction || (target.kind === 'issue' ? `Resolve ${what}.` : `Address ${what}.`);
  const parts = [ask, '', `--- ${what} of ${trigger.repository.full_name}: ${target.title}`, '', clip(target.body.trim() || '(no description)', BODY_LIMIT)];
  if (comment?.path) {
    parts.push('', `--- The review comment is on ${comment.path}${comment.line ? ` line ${comment.line}` : ''}:`);
    if (comment.diff_hunk) parts.push('```diff', clip(comment.diff_hunk, 4_000), '```');
  }
  return clip(parts.join('\n'), MAX_PROMPT_CHARS - 200);
}

function pullRequestDelivery(title: string, body: string, base?: string) {
  return { pull_request: { title: title.slice(0, 250), body, ...(base ? { base } : {}) } };
}

/** Where the job starts and where its changes go. */
function workspaceAndDelivery(trigger: Trigger, pull: PullRequestHead | undefined, linked: boolean): { workspace: { git: { url: string; ref: string } }; delivery?: Record<string, unknown> } {
  const repo = trigger.repository;
  const url = repo.clone_url;
  if (trigger.target.kind === 'issue' || !pull) {
    // An issue: from the default branch, to a pull request that closes it.
    const n = trigger.target.number;
    return {
      workspace: { git: { url, ref: repo.default_branch } },
      delivery: pullRequestDelivery(trigger.target.title, `Closes #${n}\n\nMade by codex-jobs for #${n}.`),
    };
  }
  const sameRepository = pull.head.repo?.full_name.toLowerCase() === repo.full_name.toLowerCase();
  if (sameRepository) {
    // A pull request a job opened continues that job's session, whose delivery (its branch, the same
    // pull request) carries on without being named; any other gets a push to its own branch.
    return { workspace: { git: { url, ref: pull.head.ref } }, ...(linked ? {} : { delivery: { branch: pull.head.ref } }) };
  }
  // A fork's branch cannot be pushed to: start from its head commit (served by the base repository)
  // and open a new pull request against the same base.
  return {
    workspace: { git: { url, ref: pull.head.sha } },
    delivery: pullRequestDelivery(`${pull.title} (codex-jobs)`, `For #${pull.number}\n\nMade by codex-jobs on #${pull.number} (from a fork, so in a new pull request).`, pull.base.ref),
  };
}

export function jobFromEvent(input: GithubJobInput): GithubJob {
  const { trigger, link } = input;
  const { target } = trigger;
  const owner = trigger.mapping.key;
  // A link of another owner (GITHUB_REPOS changed since) is not followed: sessions are scoped to their owner.
  const linked = link !== undefined && link.owner === owner;
  const session = linked ? link.session_id : githubSessionId(trigger.repository.full_name, target.number);
  const request = {
    prompt: githubPrompt(trigger),
    timeout_ms: input.timeoutMs,
    session_id: session,
    metadata: {
      forge: 'github',
      repository: trigger.repository.full_name,
      [target.kind]: String(target.number),
      delivery_id: input.deliveryId,
    },
    ...workspaceAndDelivery(trigger, input.pull, linked),
  };
  return { jobId: githubJobId(input.deliveryId), owner, request };
}
