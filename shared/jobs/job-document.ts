// The Firestore document jobs/{job_id}: snake_case fields, ISO-8601 UTC strings for times.
import { z } from 'zod';
import { jobErrorSchema } from './job-error.js';
import { jobRequestSchema, metadataSchema, prioritySchema, sessionIdSchema, ABSOLUTE_MAX_TIMEOUT_MS } from './job-request.js';
import { jobStatusSchema } from './job-status.js';
import { laneSchema, pushLaneOf, LONG_LANE_MAX_TIMEOUT_MS, type Lane } from './job-lane.js';
import { changesSchema, workspaceSourceSchema } from '../workspace/workspace-schemas.js';
import { jobEnvironmentOf, jobEnvironmentSchema, setupResultSchema, type JobEnvironment } from '../environment/environment-schemas.js';
import { deliveryRequestSchema, deliveryResultSchema } from '../delivery/delivery-schemas.js';
import { sealedSecretsSchema, type SealedSecrets } from '../environment/sealed-secrets-schemas.js';

export const JOB_SOURCES = ['http', 'storage', 'scheduler'] as const;
export const jobSourceSchema = z.enum(JOB_SOURCES);
export type JobSource = z.infer<typeof jobSourceSchema>;

export const PROGRESS_STAGES = ['queued', 'claimed', 'workspace_ready', 'codex_running', 'uploading', 'done'] as const;
export const progressStageSchema = z.enum(PROGRESS_STAGES);
export type ProgressStage = z.infer<typeof progressStageSchema>;

const isoTime = z.string();

export const usageSchema = z.object({
  input_tokens: z.number().int(),
  cached_input_tokens: z.number().int(),
  output_tokens: z.number().int(),
  reasoning_output_tokens: z.number().int(),
  total_tokens: z.number().int(),
  /** (v4) USD at MODEL_PRICES, rounded to 1e-6; absent for an unpriced model (shared/usage/model-prices.ts). */
  cost_usd: z.number().nonnegative().optional(),
});
export type Usage = z.infer<typeof usageSchema>;
export const ZERO_USAGE: Usage = { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0, total_tokens: 0 };

export const createdFileSchema = z.object({
  filename: z.string(),
  size_bytes: z.number().int(),
  content_type: z.string(),
  storage_path: z.string(),
});
export type CreatedFile = z.infer<typeof createdFileSchema>;

export const jobResultSchema = z.object({
  exit_code: z.number().int(),
  final_message: z.string(),
  structured_output: z.unknown().optional(),
  stdout: z.string(),
  stderr: z.string(),
  execution_time_ms: z.number().int(),
  output_files: z.array(z.string()),
  created_files: z.array(createdFileSchema),
  usage: usageSchema,
  thread_id: z.string().nullable(),
  /** What the job changed against its base (see Workspaces); null when it could not be computed. */
  changes: changesSchema.nullable().optional(),
  /** true when OUTPUT_MAX_FILES or OUTPUT_MAX_BYTES left files out (to be folded into result.changes.truncated). */
  outputs_truncated: z.boolean().optional(),
  /** The document holds at most DOC_CREATED_FILES_LIMIT created_files; this counts them all (result.json lists them). */
  created_files_total: z.number().int().optional(),
  /** true when structured_output was too big or too deep for the document (result.json keeps it). */
  structured_output_truncated: z.boolean().optional(),
  /** (v4) What the environment's setup phase did; absent for a job without an environment. */
  setup: setupResultSchema.optional(),
  /** (v4) Where the changes went (shared/delivery/); absent for a job with nothing to deliver to. */
  delivery: deliveryResultSchema.optional(),
});
export type JobResult = z.infer<typeof jobResultSchema>;

export const progressSchema = z.object({
  stage: progressStageSchema,
  message: z.string(),
  percent: z.number().min(0).max(100).optional(),
  updated_at: isoTime,
});
export type Progress = z.infer<typeof progressSchema>;

export const leaseSchema = z.object({ holder: z.string(), expires_at: isoTime });
export type Lease = z.infer<typeof leaseSchema>;

export const CALLBACK_STATES = ['pending', 'delivered', 'failed'] as const;
export const callbackSchema = z.object({
  state: z.enum(CALLBACK_STATES),
  attempts: z.number().int(),
  last_status: z.number().int().nullable(),
  last_error: z.string().nullable(),
  delivered_at: isoTime.nullable(),
});
export type CallbackRecord = z.infer<typeof callbackSchema>;

/** The fields a job is created with: what every producer (API, storage, scheduler) must supply. */
export const jobSpecSchema = z.object({
  job_id: z.string().min(1).max(128),
  owner: z.string().min(1),
  prompt: z.string(),
  timeout_ms: z.number().int().min(1000).max(Math.max(ABSOLUTE_MAX_TIMEOUT_MS, LONG_LANE_MAX_TIMEOUT_MS)),
  priority: prioritySchema,
  metadata: metadataSchema,
  callback_url: z.string().nullable(),
  session_id: sessionIdSchema.nullable(),
  output_schema: z.record(z.string(), z.unknown()).nullable(),
  max_total_tokens: z.number().int().positive().nullable(),
  /** (v4) Set when the owner's token quota lowered max_total_tokens at start (shared/usage/token-cap.ts). */
  max_total_tokens_capped: z.object({ remaining: z.number().int(), requested: z.number().int().nullable() }).optional(),
  /** What the files start from (absent or null: empty, or the session's). */
  workspace: workspaceSourceSchema.nullish(),
  /** (v4) The copy of the environment the job runs with (secrets by name only); null: none. */
  environment: jobEnvironmentSchema.nullish(),
  /** (v4) Internal: the environment's secrets, sealed (secret-box.ts). Never returned by the API (publicJob). */
  environment_secrets: sealedSecretsSchema.nullish(),
  /** (v4) The request's `delivery` (shared/delivery/); absent or null: none named (a session's may still apply). */
  delivery: deliveryRequestSchema.nullish(),
  source: jobSourceSchema,
  source_ref: z.string().nullable(),
  created_at: isoTime,
  /** The lane that runs the job (job-lane.ts laneFor); absent on specs made before lanes, which ran on the push lanes. */
  lane: laneSchema.optional(),
});
export type JobSpec = z.infer<typeof jobSpecSchema>;

export const jobDocumentSchema = jobSpecSchema.extend({
  lane: laneSchema,
  status: jobStatusSchema,
  updated_at: isoTime,
  started_at: isoTime.nullable(),
  completed_at: isoTime.nullable(),
  expire_at: isoTime,
  attempts: z.number().int(),
  /** How many of the attempts a shutting-down worker gave back unfinished (not failures: job-attempts.ts). */
  given_back: z.number().int().nonnegative().optional(),
  /** When the current (or last) run claimed the job; its hard deadline counts from here (job-deadline.ts). */
  run_started_at: isoTime.nullish(),
  lease: leaseSchema.nullable(),
  progress: progressSchema,
  result: jobResultSchema.nullable(),
  error: jobErrorSchema.nullable(),
  callback: callbackSchema.nullable(),
  cancel_requested: z.boolean(),
});
export type JobDocument = z.infer<typeof jobDocumentSchema>;

/** The job as the API shows it: without the internal sealed secrets. */
export const publicJobSchema = jobDocumentSchema.omit({ environment_secrets: true });
export type PublicJob = z.infer<typeof publicJobSchema>;

export function publicJob<T extends Pick<JobDocument, 'environment_secrets'>>(job: T): Omit<T, 'environment_secrets'> {
  const { environment_secrets: _sealed, ...rest } = job;
  return rest;
}

export const jobEventSchema = z.object({
  seq: z.number().int().nonnegative(),
  type: z.string(),
  at: isoTime,
  data: z.record(z.string(), z.unknown()),
});
export type JobEvent = z.infer<typeof jobEventSchema>;

/** A job's environment as resolved at submit (a stored one by name, or an inline one with its secrets sealed). */
export interface ResolvedEnvironment {
  environment: JobEnvironment;
  environment_secrets: SealedSecrets | null;
}

/** The environment of a request that needs no lookup and no key: an inline spec without secrets (what intake allows). */
function unresolvedEnvironment(request: z.output<ReturnType<typeof jobRequestSchema>>): ResolvedEnvironment | null {
  const env = request.environment;
  if (env === undefined) return null;
  if (typeof env === 'string' || Object.keys(env.secrets).length > 0) throw new Error('a named environment or one with secrets must be resolved before the job is made');
  return { environment: jobEnvironmentOf(env, null), environment_secrets: null };
}

/** Builds the spec of a job from a validated request; producers add owner, source and ids (and a resolved environment). */
export function specFromRequest(
  request: z.output<ReturnType<typeof jobRequestSchema>>,
  fields: { job_id: string; owner: string; source: JobSource; source_ref: string | null; created_at?: string; lane: Lane; environment?: ResolvedEnvironment | null },
): JobSpec {
  const env = fields.environment !== undefined ? fields.environment : unresolvedEnvironment(request);
  return {
    job_id: fields.job_id,
    owner: fields.owner,
    prompt: request.prompt,
    timeout_ms: request.timeout_ms,
    priority: request.priority,
    metadata: request.metadata,
    callback_url: request.callback_url ?? null,
    session_id: request.session_id ?? null,
    output_schema: request.output_schema ?? null,
    max_total_tokens: request.max_total_tokens ?? null,
    workspace: request.workspace ?? null,
    ...(env ? { environment: env.environment, environment_secrets: env.environment_secrets } : {}),
    ...(request.delivery ? { delivery: request.delivery } : {}),
    source: fields.source,
    source_ref: fields.source_ref,
    created_at: fields.created_at ?? new Date().toISOString(),
    lane: fields.lane,
  };
}

/** A new queued document for a spec. */
export function newJobDocument(spec: JobSpec, ttlDays: number, now = new Date()): JobDocument {
  const at = now.toISOString();
  return {
    ...spec,
    lane: spec.lane ?? pushLaneOf(spec.priority),
    status: 'queued',
    updated_at: at,
    started_at: null,
    completed_at: null,
    expire_at: new Date(now.getTime() + ttlDays * 86_400_000).toISOString(),
    attempts: 0,
    lease: null,
    progress: { stage: 'queued', message: 'waiting for a processor', updated_at: at },
    result: null,
    error: null,
    callback: spec.callback_url ? { state: 'pending', attempts: 0, last_status: null, last_error: null, delivered_at: null } : null,
    cancel_requested: false,
  };
}

/** A document created already failed (a bad upload): the uploader can read why. Creation, not a move. */
export function failedJobDocument(spec: JobSpec, error: { code: 'bad_request' | 'internal'; message: string }, ttlDays: number, now = new Date()): JobDocument {
  const doc = newJobDocument(spec, ttlDays, now);
  return { ...doc, status: 'failed', completed_at: doc.updated_at, error, progress: { stage: 'done', message: error.message, updated_at: doc.updated_at } };
}
