// The wire shapes of delivery (contract v4 "Delivery"): the JobRequest `delivery` field (where a
// job's changes go) and `result.delivery` (what happened to them).
import { z } from 'zod';
import { gitRefProblem } from '../workspace/git-ref-name.js';

/** A branch name git accepts (the same rules as workspace.git.ref). */
const branchName = (field: string) =>
  z
    .string()
    .min(1)
    .max(244)
    .superRefine((name, ctx) => {
      const problem = gitRefProblem(name);
      if (problem) ctx.addIssue({ code: 'custom', message: `${field}: ${problem.replace(/^ref /, 'a branch name ')}` });
    });

export const pullRequestRequestSchema = z.strictObject({
  title: z.string().trim().min(1).max(256).optional(),
  /** Put first in the pull request's body (a `Closes #N` line, say); the job's summary follows. */
  body: z.string().max(32_768).optional(),
  /** Default true. */
  draft: z.boolean().optional(),
  /** Default: the job's workspace.git.ref, else the repository's default branch. */
  base: branchName('base').optional(),
});
export type PullRequestRequest = z.infer<typeof pullRequestRequestSchema>;

/** JobRequest `delivery`: only with a `workspace.git` (job-request.ts checks that). */
export const deliveryRequestSchema = z.strictObject({
  /** Default `codex-jobs/{first 8 chars of job_id}`. */
  branch: branchName('branch').optional(),
  /** `true` or options: open a pull request (GitHub) or merge request (GitLab) for the branch. */
  pull_request: z.union([z.literal(true), pullRequestRequestSchema]).optional(),
  commit_message: z.string().trim().min(1).max(16_384).optional(),
});
export type DeliveryRequest = z.infer<typeof deliveryRequestSchema>;

export const DELIVERY_STATES = ['pushed', 'opened', 'updated', 'skipped', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export const deliveredPullRequestSchema = z.object({ url: z.string(), number: z.number().int().positive() });
export type DeliveredPullRequest = z.infer<typeof deliveredPullRequestSchema>;

/** `result.delivery`; also in the codex-results message, the webhook body and the `delivery` event. */
export const deliveryResultSchema = z.object({
  state: z.enum(DELIVERY_STATES),
  branch: z.string(),
  /** The pushed commit (absent when nothing was pushed). */
  commit: z.string().optional(),
  pull_request: deliveredPullRequestSchema.optional(),
  /** Why it failed: the host's answer, credentials redacted. */
  error: z.string().optional(),
});
export type DeliveryResult = z.infer<typeof deliveryResultSchema>;
