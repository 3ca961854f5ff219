// Where an upload lives and how large it may be. Light (no archive code): the API uses it too.
// 31 MiB: a PUT through the API (where it cannot sign) must fit Cloud Run's 32 MiB request limit with
// its headers and framing; a signed URL takes the same cap (x-goog-content-length-range).
export const UPLOAD_MAX_BYTES = 31 * 1024 * 1024;

/** The owner's own prefix: a job reads `inputs/{job.owner}/…`, so it never reaches another owner's upload. */
export function uploadObjectName(owner: string, uploadId: string): string {
  return `inputs/${owner}/${uploadId}`;
}

/** The prefix of the uploads bucket that holds workspace inputs (never prompt drops; expired by lifecycle). */
export const INPUTS_PREFIX = 'inputs/';
