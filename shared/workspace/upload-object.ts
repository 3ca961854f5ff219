// Where an upload lives and how large it may be. Light (no archive code): the API uses it too.
export const UPLOAD_MAX_BYTES = 32 * 1024 * 1024;

/** The owner's own prefix: a job reads `inputs/{job.owner}/…`, so it never reaches another owner's upload. */
export function uploadObjectName(owner: string, uploadId: string): string {
  return `inputs/${owner}/${uploadId}`;
}

/** The prefix of the uploads bucket that holds workspace inputs (never prompt drops; expired by lifecycle). */
export const INPUTS_PREFIX = 'inputs/';
