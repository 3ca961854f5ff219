// The wire shapes of workspaces: what a job starts from (the JobRequest `workspace` field, and the
// internal source a dropped archive gives its jobs) and what it gives back (`result.changes`).
import { z } from 'zod';
import { gitRefProblem } from './git-ref-name.js';

export const UPLOAD_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

export const gitWorkspaceSchema = z.strictObject({
  /** Checked at submit like a callback_url (git-url-policy.ts): an absolute https URL of a public host. */
  url: z.string().min(1).max(2048).meta({ format: 'uri', pattern: '^https://[^/?#@:]+[/:?#]?' }),
  /** A branch, tag or commit (a name git accepts: git-ref-name.ts); default: the remote HEAD. */
  ref: z
    .string()
    .min(1)
    .max(256)
    .superRefine((ref, ctx) => {
      const problem = gitRefProblem(ref);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  /** Commits of history to fetch: default 1, 0 = the full history. */
  depth: z.number().int().min(0).max(1_000_000).optional(),
});

/** JobRequest `workspace`: an upload of the caller, or a git repository. */
export const workspaceRequestSchema = z.union(
  [z.strictObject({ upload_id: z.string().regex(UPLOAD_ID_PATTERN, 'upload_id is the id POST /uploads answered') }), z.strictObject({ git: gitWorkspaceSchema })],
  { error: 'must be {"upload_id": …} or {"git": {"url": …, "ref"?: …, "depth"?: …}}' },
);
export type WorkspaceRequest = z.infer<typeof workspaceRequestSchema>;

/** The non-prompt files of an archive dropped in the uploads bucket (that generation of the object). */
export const archiveWorkspaceSchema = z.strictObject({
  archive: z.strictObject({ bucket: z.string().min(1), object: z.string().min(1), generation: z.string().min(1) }),
});

/** What a job document records: the request's workspace, or a dropped archive's. */
export const workspaceSourceSchema = z.union([workspaceRequestSchema, archiveWorkspaceSchema]);
export type WorkspaceSource = z.infer<typeof workspaceSourceSchema>;

export const BASE_KINDS = ['empty', 'session', 'upload', 'git', 'archive'] as const;
export const changesBaseSchema = z.object({
  kind: z.enum(BASE_KINDS),
  commit: z.string(),
  url: z.string().optional(),
  ref: z.string().optional(),
});
export type ChangesBase = z.infer<typeof changesBaseSchema>;

export const FILE_CHANGES = ['added', 'modified', 'deleted', 'renamed'] as const;
export const changedFileSchema = z.object({
  path: z.string(),
  change: z.enum(FILE_CHANGES),
  old_path: z.string().optional(),
  size_bytes: z.number().int().nonnegative(),
});
export type ChangedFile = z.infer<typeof changedFileSchema>;

export const changeStatsSchema = z.object({
  files_changed: z.number().int().nonnegative(),
  insertions: z.number().int().nonnegative(),
  deletions: z.number().int().nonnegative(),
});
export type ChangeStats = z.infer<typeof changeStatsSchema>;

export const changesSchema = z.object({
  base: changesBaseSchema,
  files: z.array(changedFileSchema),
  stats: changeStatsSchema,
  /** gs://OUTPUTS_BUCKET/jobs/{job_id}/changes.patch */
  patch_path: z.string(),
  /** The file list (or the outputs) were cut at a cap; the patch is whole. */
  truncated: z.boolean(),
});
export type Changes = z.infer<typeof changesSchema>;

export function changesPatchObjectName(jobId: string): string {
  return `jobs/${jobId}/changes.patch`;
}
