// What of a job's result fits in its Firestore document (1 MiB per document, maps nested at most 20
// deep). result.json in the results bucket keeps the whole result; the document keeps a bounded view.
import type { JobResult } from '../jobs/job-document.js';

/** The document keeps at most this many created_files (and output_files); result.json lists them all. */
export const DOC_CREATED_FILES_LIMIT = 200;
/** …and at most this many bytes of them (paths can be 4 KiB each). */
export const DOC_CREATED_FILES_BYTES = 256 * 1024;
/** structured_output larger than this (as JSON) stays in result.json only. */
export const DOC_STRUCTURED_OUTPUT_BYTES = 128 * 1024;
/** structured_output sits two levels down (document → result → structured_output) of Firestore's 20. */
export const DOC_STRUCTURED_OUTPUT_DEPTH = 16;

function depthOf(value: unknown, limit: number, depth = 0): number {
  if (depth > limit || value === null || typeof value !== 'object') return depth;
  let max = depth + 1;
  for (const child of Object.values(value as Record<string, unknown>)) {
    max = Math.max(max, depthOf(child, limit, depth + 1));
    if (max > limit) break;
  }
  return max;
}

export function resultForDocument(result: JobResult): JobResult {
  const out: JobResult = { ...result };
  let bytes = 0;
  let kept = 0;
  for (const file of result.created_files) {
    bytes += Buffer.byteLength(JSON.stringify(file));
    if (kept >= DOC_CREATED_FILES_LIMIT || bytes > DOC_CREATED_FILES_BYTES) break;
    kept++;
  }
  if (kept < result.created_files.length || result.output_files.length > kept) {
    out.created_files = result.created_files.slice(0, kept);
    out.output_files = result.output_files.slice(0, kept);
    out.created_files_total = result.created_files_total ?? result.created_files.length;
  }
  if (result.structured_output !== undefined) {
    const json = JSON.stringify(result.structured_output) ?? '';
    if (Buffer.byteLength(json) > DOC_STRUCTURED_OUTPUT_BYTES || depthOf(result.structured_output, DOC_STRUCTURED_OUTPUT_DEPTH) > DOC_STRUCTURED_OUTPUT_DEPTH) {
      delete out.structured_output;
      out.structured_output_truncated = true;
    }
  }
  return out;
}
