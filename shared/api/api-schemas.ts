// The wire shapes of the HTTP API that are not job shapes: responses, query strings, the error
// envelope. The OpenAPI document (openapi.ts) is generated from these and the job schemas.
import { z } from 'zod';
import { jobSourceSchema } from '../jobs/job-document.js';
import { prioritySchema } from '../jobs/job-request.js';
import { jobStatusSchema } from '../jobs/job-status.js';
import { API_ERROR_STATUS } from './api-error.js';

// The response shapes live in shared/jobs so the client SDK can use them without the API's modules.
export {
  submitResponseSchema,
  type SubmitResponse,
  listResponseSchema,
  outputFileSchema,
  outputsResponseSchema,
  queueStatsSchema,
  type QueueStats,
  healthSchema,
  streamEventSchema,
  streamEndSchema,
  uploadCreatedSchema,
  uploadReceivedSchema,
} from '../jobs/api-responses.js';

export const errorEnvelopeSchema = z.strictObject({
  error: z.strictObject({
    code: z.enum(Object.keys(API_ERROR_STATUS) as [keyof typeof API_ERROR_STATUS, ...(keyof typeof API_ERROR_STATUS)[]]),
    message: z.string(),
    details: z.array(z.strictObject({ field: z.string(), message: z.string() })).optional(),
  }),
});

/**
 * How the OpenAPI document shows a whole-number query parameter: an integer with its bounds (a query
 * string is text, so the schema here parses digits; the document says what the parse accepts).
 */
function wholeNumberParam(minimum: number, maximum: number) {
  return { type: 'integer', minimum, maximum, pattern: undefined } as Record<string, unknown>;
}

/** ?wait=N on POST /jobs: seconds, 0..60. */
export const submitQuerySchema = z.strictObject({
  wait: z
    .string()
    .regex(/^\d{1,2}$/, 'wait must be a whole number of seconds from 0 to 60')
    .transform(Number)
    .pipe(z.number().int().min(0).max(60, 'wait is at most 60 seconds'))
    .optional()
    .meta(wholeNumberParam(0, 60)),
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
    .default(20)
    .meta({ ...wholeNumberParam(1, MAX_LIST_LIMIT), default: 20 }),
  cursor: z.string().max(2000).optional(),
});
export type ListQuery = z.output<typeof listQuerySchema>;

export const eventsQuerySchema = z.strictObject({
  after: z
    .string()
    .regex(/^(-1|\d{1,10})$/, 'after must be an event seq (a whole number)')
    .transform(Number)
    .optional()
    .meta(wholeNumberParam(-1, 9_999_999_999)),
});
