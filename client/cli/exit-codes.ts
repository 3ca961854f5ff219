// The CLI's exit codes (the contract's table) and how an outcome maps onto them.
import { CodexJobsError } from '../sdk/errors.js';
import type { JobDocument } from '../sdk/types.js';

export const EXIT = {
  completed: 0,
  failed: 1,
  usage: 2,
  cancelled: 3,
  unauthorized: 4,
  unreachable: 5,
  timeout: 124,
  interrupted: 130,
} as const;

/** A mistake in how the CLI was called or configured: exit 2 with one line naming the fix. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure the command already reported in full: exit with this code and print nothing more. */
export class ExitWith extends Error {
  override name = 'ExitWith';
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export function exitCodeForJob(job: Pick<JobDocument, 'status' | 'error'>): number {
  if (job.status === 'completed') return EXIT.completed;
  if (job.status === 'cancelled') return EXIT.cancelled;
  if (job.status === 'failed') return job.error?.code === 'timeout' ? EXIT.timeout : EXIT.failed;
  return EXIT.failed;
}

export function exitCodeForError(err: unknown): number {
  if (err instanceof ExitWith) return err.code;
  if (err instanceof UsageError) return EXIT.usage;
  if (err instanceof CodexJobsError) {
    if (err.code === 'unauthorized' || err.code === 'forbidden') return EXIT.unauthorized;
    if (err.code === 'network' || err.code === 'timeout' || err.code === 'unavailable') return EXIT.unreachable;
    if (err.code === 'bad_request' || err.code === 'payload_too_large') return EXIT.usage;
    if (err.code === 'aborted') return EXIT.interrupted;
  }
  return EXIT.failed;
}
