// The response shapes of the HTTP API (what the server sends and the client SDK reads): one schema
// each, used by the API, its OpenAPI document and the SDK. Only zod and the job schemas: the client
// imports this file.
import { z } from 'zod';
import { jobEventSchema, jobSourceSchema } from './job-document.js';
import { PRIORITIES } from './job-request.js';
import { jobSummarySchema } from './job-summary.js';
export { jobSummarySchema, type JobSummary } from './job-summary.js';
import { JOB_STATUSES, jobStatusSchema } from './job-status.js';

export const submitResponseSchema = z.strictObject({
  job_id: z.string(),
  status: jobStatusSchema,
  message: z.string(),
  estimated_completion: z.string(),
  status_url: z.string(),
  events_url: z.string(),
});
export type SubmitResponse = z.infer<typeof submitResponseSchema>;

export const listResponseSchema = z.strictObject({
  jobs: z.array(jobSummarySchema).max(100),
  next_cursor: z.string().nullable(),
});

export const outputFileSchema = z.strictObject({
  filename: z.string(),
  size_bytes: z.number().int(),
  content_type: z.string(),
  url: z.string(),
});
export const outputsResponseSchema = z.strictObject({ files: z.array(outputFileSchema) });

const countsOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.strictObject(Object.fromEntries(values.map((v) => [v, z.number().int().nonnegative()])) as Record<T[number], z.ZodNumber>);

export const queueStatsSchema = z.strictObject({
  scope: z.enum(['all', 'owner']),
  owner: z.string().nullable(),
  total: z.number().int().nonnegative(),
  by_status: countsOf(JOB_STATUSES),
  by_priority: countsOf(PRIORITIES),
  by_source: countsOf(jobSourceSchema.options as unknown as readonly ['http', 'storage', 'scheduler']),
  generated_at: z.string(),
});
export type QueueStats = z.infer<typeof queueStatsSchema>;

export const healthSchema = z.strictObject({
  status: z.enum(['healthy', 'unhealthy']),
  version: z.string(),
  checks: z.strictObject({ firestore: z.string(), pubsub: z.string() }),
});

/** One SSE `data:` payload: the stored event. */
export const streamEventSchema = jobEventSchema;
/** The data of the final `event: end`. */
export const streamEndSchema = z.strictObject({ job_id: z.string(), status: jobStatusSchema, last_seq: z.number().int() });

/** POST /uploads (201). */
export const uploadCreatedSchema = z.strictObject({
  upload_id: z.string(),
  upload_url: z.string().describe('PUT the archive here: a V4 signed URL of the uploads bucket, or PUT /uploads/{upload_id} on this API (with X-API-Key)'),
  method: z.literal('PUT'),
  headers: z.record(z.string(), z.string()).describe('headers the PUT must carry'),
  expires_at: z.string().describe('the upload_url works until then'),
  max_bytes: z.number().int(),
});
export type UploadCreated = z.infer<typeof uploadCreatedSchema>;

/** PUT /uploads/{upload_id} (200). */
export const uploadReceivedSchema = z.strictObject({ upload_id: z.string(), size_bytes: z.number().int().nonnegative() });
export type UploadReceived = z.infer<typeof uploadReceivedSchema>;
