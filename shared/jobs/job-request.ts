// JobRequest: body of POST /jobs, prompt-file front matter and schedule payloads. One schema, strict.
import { z } from 'zod';
import { timeoutTooLongMessage, type TimeoutLimits } from './job-lane.js';
import { workspaceRequestSchema } from '../workspace/workspace-schemas.js';
import { storableField, storableRequest } from './firestore-limits.js';
import { environmentNameSchema, environmentSpecSchema } from '../environment/environment-spec.js';
import { deliveryRequestSchema } from '../delivery/delivery-schemas.js';

export const PRIORITIES = ['low', 'normal', 'high', 'critical'] as const;
export const prioritySchema = z.enum(PRIORITIES);
export type Priority = z.infer<typeof prioritySchema>;

/** The absolute ceiling of timeout_ms (processor deployed as an HTTP function); MAX_JOB_TIMEOUT_MS lowers it. */
export const ABSOLUTE_MAX_TIMEOUT_MS = 3_300_000;
export const DEFAULT_MAX_TIMEOUT_MS = 480_000;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const MAX_PROMPT_CHARS = 100_000;

/** Firestore reserves field names of the form __name__ (a write with one fails on every try). */
const METADATA_KEY = /^(?!__[\s\S]*__$)[\s\S]{1,64}$/;
export const metadataSchema = z
  .record(
    z.string().min(1).max(64, 'metadata keys are at most 64 characters').regex(METADATA_KEY, 'metadata keys of the form __name__ are reserved by Firestore'),
    z.string().max(1024, 'metadata values are at most 1024 characters'),
    { error: (issue) => (issue.code === 'invalid_key' ? 'metadata keys are 1 to 64 characters and not of the form __name__ (reserved by Firestore)' : undefined) },
  )
  .meta({ propertyNames: { pattern: METADATA_KEY.source }, maxProperties: 32 })
  .refine((m) => Object.keys(m).length <= 32, 'metadata holds at most 32 keys');

export const sessionIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'session_id must match [A-Za-z0-9_-]{1,128}');

// Built once per set of limits: building the schema cost more than parsing a request with it
// (6% of the API's CPU under load, measured with a CPU profile of `npm run bench -- enqueue`).
const schemasByLimits = new Map<string, ReturnType<typeof buildJobRequestSchema>>();

/** `limits`: a bare number is the push lanes' ceiling alone; timeoutLimits(config) adds the long lane. */
export function jobRequestSchema(limits: number | TimeoutLimits = DEFAULT_MAX_TIMEOUT_MS) {
  const key = typeof limits === 'number' ? String(limits) : `${limits.push}/${limits.long}`;
  let schema = schemasByLimits.get(key);
  if (!schema) schemasByLimits.set(key, (schema = buildJobRequestSchema(limits)));
  return schema;
}

function buildJobRequestSchema(limits: number | TimeoutLimits) {
  const timeoutMax = typeof limits === 'number' ? z.number().int().max(limits) : z.number().int().max(limits.long ?? limits.push, { error: timeoutTooLongMessage(limits) });
  return z.strictObject({
    prompt: z
      .string()
      .trim()
      .min(1, 'prompt must not be empty')
      .max(MAX_PROMPT_CHARS, `prompt is at most ${MAX_PROMPT_CHARS} characters`),
    timeout_ms: timeoutMax.min(1000).default(DEFAULT_TIMEOUT_MS),
    callback_url: z.url({ protocol: /^https?$/, error: 'callback_url must be an http(s) URL' }).max(2048).optional(),
    priority: prioritySchema.default('normal'),
    metadata: metadataSchema.default({}),
    session_id: sessionIdSchema.optional(),
    output_schema: z.record(z.string(), z.unknown()).superRefine(storableField).optional(),
    max_total_tokens: z.number().int().positive().optional(),
    workspace: workspaceRequestSchema.optional(),
    /** (v4) The name of one of the owner's environments, or an inline EnvironmentSpec. */
    environment: z.union([environmentNameSchema, environmentSpecSchema]).optional(),
    /** (v4) Where the changes go (shared/delivery/): a branch, a pull request; only with workspace.git. */
    delivery: deliveryRequestSchema.optional(),
    // Firestore limits (depth, keys, size): a request it cannot store is a 400, never a poison message.
  })
    .superRefine((request, ctx) => {
      if (request.delivery && !(request.workspace && 'git' in request.workspace)) {
        ctx.addIssue({ code: 'custom', path: ['delivery'], message: 'delivery needs a workspace.git: the repository the changes are pushed to' });
      }
    })
    .superRefine(storableRequest);
}

/** The request schema with the contract's default ceiling; use jobRequestSchema(config.MAX_JOB_TIMEOUT_MS) at run time. */
export const JobRequestSchema = jobRequestSchema();
export type JobRequest = z.output<typeof JobRequestSchema>;
export type JobRequestInput = z.input<typeof JobRequestSchema>;

type Issue = z.ZodError['issues'][number];

/**
 * A union's error names only the union ("workspace: Invalid input") when no branch got far enough.
 * The branch whose own keys matched (no unknown field at its top) is the one the client meant:
 * its issues, under the union's path, name the bad field (workspace.git.depth).
 */
function unionBranchIssues(issue: Issue): Issue[] | undefined {
  if (issue.code !== 'invalid_union') return undefined;
  // A branch of another type (a name where an object came) or with unknown keys at its top was not meant.
  const meant = issue.errors.filter((branch) => !branch.some((i) => (i.code === 'unrecognized_keys' || i.code === 'invalid_type') && i.path.length === 0));
  if (meant.length !== 1) return undefined;
  return meant[0]!.map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as Issue);
}

/** Each issue as `field: message`, so a client sees every bad field at once. */
export function describeIssues(error: z.ZodError | { issues: Issue[] }): { field: string; message: string }[] {
  return error.issues.flatMap((issue): { field: string; message: string }[] => {
    const branch = unionBranchIssues(issue);
    if (branch) return describeIssues({ issues: branch });
    const prefix = issue.path.length ? `${issue.path.join('.')}.` : '';
    if (issue.code === 'unrecognized_keys') {
      // One detail per unknown field, so each is named on its own.
      return issue.keys.map((key) => ({ field: `${prefix}${key}`, message: `unknown field: ${prefix}${key}` }));
    }
    const field = issue.path.length ? issue.path.join('.') : '(body)';
    return [{ field, message: `${field}: ${issue.message}` }];
  });
}
