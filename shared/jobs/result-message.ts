// The message on codex-results for a terminal job; it is also the webhook body.
import { z } from 'zod';
import { createdFileSchema, usageSchema, type JobDocument } from './job-document.js';
import { jobErrorSchema } from './job-error.js';
import { changeStatsSchema } from '../workspace/workspace-schemas.js';
import { deliveryResultSchema } from '../delivery/delivery-schemas.js';

export const resultMessageSchema = z.object({
  job_id: z.string(),
  status: z.enum(['completed', 'failed', 'cancelled']),
  exit_code: z.number().int().nullable(),
  final_message: z.string().nullable(),
  stdout: z.string(),
  stderr: z.string(),
  execution_time_ms: z.number().int().nullable(),
  output_files: z.array(z.string()),
  created_files: z.array(createdFileSchema).optional(),
  structured_output: z.unknown().optional(),
  usage: usageSchema.nullable(),
  completed_at: z.string(),
  error: jobErrorSchema.optional(),
  /** The size of the job's changes (the patch itself is GET /jobs/{id}/changes.patch). */
  changes: z.object({ stats: changeStatsSchema }).optional(),
  /** (v4) Where the changes went: result.delivery. */
  delivery: deliveryResultSchema.optional(),
  callback_url: z.string().nullable().optional(),
  owner: z.string().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
});
export type ResultMessage = z.infer<typeof resultMessageSchema>;

export function resultMessageFromJob(job: JobDocument): ResultMessage {
  if (job.status !== 'completed' && job.status !== 'failed' && job.status !== 'cancelled') {
    throw new Error(`job ${job.job_id} is ${job.status}, not terminal`);
  }
  const r = job.result;
  return {
    job_id: job.job_id,
    status: job.status,
    exit_code: r?.exit_code ?? null,
    final_message: r?.final_message ?? null,
    stdout: r?.stdout ?? '',
    stderr: r?.stderr ?? '',
    execution_time_ms: r?.execution_time_ms ?? null,
    output_files: r?.output_files ?? [],
    created_files: r?.created_files ?? [],
    ...(r?.structured_output === undefined ? {} : { structured_output: r.structured_output }),
    usage: r?.usage ?? null,
    completed_at: job.completed_at ?? job.updated_at,
    ...(job.error ? { error: job.error } : {}),
    ...(r?.changes ? { changes: { stats: r.changes.stats } } : {}),
    ...(r?.delivery ? { delivery: r.delivery } : {}),
    callback_url: job.callback_url,
    owner: job.owner,
    metadata: job.metadata,
  };
}
