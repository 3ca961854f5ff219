// The parts of GitHub's webhook payloads the intake reads (issue_comment, pull_request_review_comment,
// issues). Unknown fields are dropped: GitHub adds fields over time, and only these are used.
import { z } from 'zod';

export const AUTHOR_ASSOCIATIONS_ALLOWED = ['OWNER', 'MEMBER', 'COLLABORATOR'] as const;

const repositorySchema = z.object({
  full_name: z.string().regex(/^[^/\s]+\/[^/\s]+$/),
  clone_url: z.string().min(1),
  default_branch: z.string().min(1),
});

const userSchema = z.object({ login: z.string() });

const commentSchema = z.object({
  id: z.number().int(),
  body: z.string().nullable(),
  html_url: z.string().optional(),
  author_association: z.string(),
  user: userSchema.nullable(),
});

const issueSchema = z.object({
  number: z.number().int().positive(),
  title: z.string(),
  body: z.string().nullable().optional(),
  /** Present when the issue is a pull request. */
  pull_request: z.object({ url: z.string().optional() }).nullable().optional(),
});

const pullRequestSchema = z.object({
  number: z.number().int().positive(),
  title: z.string(),
  body: z.string().nullable().optional(),
  head: z.object({ ref: z.string(), sha: z.string(), repo: z.object({ full_name: z.string() }).nullable() }),
  base: z.object({ ref: z.string() }),
});
export type PullRequestHead = z.infer<typeof pullRequestSchema>;

export const issueCommentEventSchema = z.object({
  action: z.string(),
  issue: issueSchema,
  comment: commentSchema,
  repository: repositorySchema,
});
export type IssueCommentEvent = z.infer<typeof issueCommentEventSchema>;

export const reviewCommentEventSchema = z.object({
  action: z.string(),
  comment: commentSchema.extend({
    path: z.string().optional(),
    line: z.number().int().nullable().optional(),
    diff_hunk: z.string().optional(),
  }),
  pull_request: pullRequestSchema,
  repository: repositorySchema,
});
export type ReviewCommentEvent = z.infer<typeof reviewCommentEventSchema>;

export const issuesEventSchema = z.object({
  action: z.string(),
  issue: issueSchema,
  label: z.object({ name: z.string() }).nullable().optional(),
  repository: repositorySchema,
});
export type IssuesEvent = z.infer<typeof issuesEventSchema>;

/** Just enough of any event to name its action and repository (for the reasons of ignored ones). */
export const anyEventSchema = z.object({
  action: z.string().optional(),
  repository: z.object({ full_name: z.string() }).optional(),
});

/** The pull request as GET /repos/{owner}/{repo}/pulls/{number} returns it (an issue_comment does not carry the head). */
export const pullRequestResponseSchema = pullRequestSchema;
