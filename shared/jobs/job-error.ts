// Why a job failed: the error codes of the contract, and the error a job pipeline throws to end a job.
import { z } from 'zod';

export const JOB_ERROR_CODES = [
  'timeout',
  'codex_error',
  'budget_exceeded',
  'max_attempts',
  'dead_lettered',
  'workspace_error',
  'setup_failed',
  'internal',
  'bad_request',
] as const;
export const jobErrorCodeSchema = z.enum(JOB_ERROR_CODES);
export type JobErrorCode = z.infer<typeof jobErrorCodeSchema>;

export const jobErrorSchema = z.object({ code: jobErrorCodeSchema, message: z.string() });
export type JobErrorInfo = z.infer<typeof jobErrorSchema>;

/** Thrown inside job handling to end the job `failed` with a specific code. */
export class JobFailure extends Error {
  override name = 'JobFailure';
  constructor(
    readonly code: JobErrorCode,
    message: string,
  ) {
    super(message);
  }
}
