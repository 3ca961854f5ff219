// The wire shapes of the HTTP API that are not job shapes: responses, query strings, the error
// envelope. The OpenAPI document (openapi.ts) is generated from these and the job schemas.
import { z } from 'zod';
import { jobDocumentSchema, jobEventSchema, jobSourceSchema } from '../jobs/job-document.js';
import { PRIORITIES, prioritySchema } from '../jobs/job-request.js';
import { JOB_STATUSES, jobStatusSchema } from '../jobs/job-status.js';
import { API_ERROR_STATUS } from './api-error.js';

export const errorEnvelopeSchema = z.strictObject({
  error: z.strictObject({
    code: z.enum(Object.keys(API_ERROR_STATUS) as [keyof typeof API_ERROR_STATUS, ...(keyof typeof API_ERROR_STATUS)[]]),
    message: z.string(),
    details: z.array(z.strictObject({ field: z.string(), message: z.string() })).optional(),
  }),
});

export const submitResponseSchema = z.strictObject({
  job_id: z.string(),
  status: jobStatusSchema,
  message: z.string(),
  estimated_completion: z.string(),
  status_url: z.string(),
  events_url: z.string(),
});
export type SubmitResponse = z.infer<typeof submitResponseSchema>;

/** ?wait=N on POST /jobs: seconds, 0..60. */
export const submitQuerySchema = z.strictObject({
  wait: z
    .string()
    .regex(/^\d{1,2}$/, 'wait must be a whole number of seconds from 0 to 60')
    .transform(Number)
    .pipe(z.number().int().min(0).max(60, 'wait is at most 60 seconds'))
    .optional(),
});

export const MAX_LIST_LIMIT = 100;
export const listQuerySchema = z.strictObject({
  status: jobStatusSchema.optional(),
  priority: prioritySchema.optional(),
  source: jobSourceSchema.optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, `limit must be a whole number from 1 to ${MAX_LIST_LIMIT}`)
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAX_LIST_LIMIT, `limit is at most ${MAX_LIST_LIMIT}`))
    .default(20),
  cursor: z.string().max(2000).optional(),
});
export type ListQuery = z.output<typeof listQuerySchema>;

export const listResponseSchema = z.strictObject({
  jobs: z.array(jobDocumentSchema),
  next_cursor: z.string().nullable(),
});

export const eventsQuerySchema = z.strictObject({
  after: z.string().regex(/^(-1|\d{1,10})$/, 'after must be an event seq (a whole number)').transform(Number).optional(),
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

/** PUT /uploads/{upload_id} (200). */
export const uploadReceivedSchema = z.strictObject({ upload_id: z.string(), size_bytes: z.number().int().nonnegative() });
