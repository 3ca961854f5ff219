// What of a job's result fits in its Firestore document (1 MiB per document, maps nested at most 20
// deep). result.json in the results bucket keeps the whole result; the document keeps a bounded view.
// Each part has its own cap, and the whole result is then fitted to what the rest of the document
// leaves: the largest accepted request (MAX_STORED_REQUEST_BYTES) plus the largest result at the
// per-part caps would pass 1 MiB (about 1.4 MB), so the largest part is halved until it fits.
import { FIRESTORE_MAX_DOCUMENT_BYTES, firestoreSize } from '../jobs/firestore-limits.js';
import type { JobResult } from '../jobs/job-document.js';

/** The document keeps at most this many created_files (and output_files); result.json lists them all. */
export const DOC_CREATED_FILES_LIMIT = 200;
/** …and at most this many bytes of them (paths can be 4 KiB each). */
export const DOC_CREATED_FILES_BYTES = 256 * 1024;
/**
 * The document keeps at most this many changes.files and bytes of them; past either, the list is cut,
 * changes.truncated is true and changes.stats.files_changed still counts them all (GET /jobs/{id}/changes
 * then serves the whole list from result.json).
 */
export const DOC_CHANGES_FILES_LIMIT = 1000;
export const DOC_CHANGES_FILES_BYTES = 128 * 1024;
/** structured_output larger than this (as JSON) stays in result.json only. */
export const DOC_STRUCTURED_OUTPUT_BYTES = 128 * 1024;
/** structured_output sits two levels down (document → result → structured_output) of Firestore's 20. */
export const DOC_STRUCTURED_OUTPUT_DEPTH = 16;
/** stdout, stderr and final_message are cut at this many characters in the document. */
export const DOC_TEXT_LIMIT = 64 * 1024;
/** Kept free of the 1 MiB for what is written after the terminal write (callback state, result marks) and the name. */
export const DOC_SPARE_BYTES = 32 * 1024;

function depthOf(value: unknown, limit: number, depth = 0): number {
  if (depth > limit || value === null || typeof value !== 'object') return depth;
  let max = depth + 1;
  for (const child of Object.values(value as Record<string, unknown>)) {
    max = Math.max(max, depthOf(child, limit, depth + 1));
    if (max > limit) break;
  }
  return max;
}

/** The text cut to at most `maxBytes` UTF-8 bytes (and DOC_TEXT_LIMIT characters), with a note of what was cut. */
export function cutText(text: string, maxBytes = Infinity): string {
  const bytes = Buffer.byteLength(text);
  if (text.length <= DOC_TEXT_LIMIT && bytes <= maxBytes) return text;
  const note = (kept: string) => `\n…[cut: ${text.length - kept.length} more characters in result.json]`;
  let kept = text.slice(0, DOC_TEXT_LIMIT);
  const room = Math.max(0, maxBytes - 64);
  if (Buffer.byteLength(kept) > room) kept = Buffer.from(kept).subarray(0, room).toString('utf8').replace(/\uFFFD+$/, '');
  return kept + note(kept);
}

function keptFiles<T>(files: T[], limit: number, maxBytes: number): number {
  let bytes = 0;
  let kept = 0;
  for (const file of files) {
    bytes += Buffer.byteLength(JSON.stringify(file));
    if (kept >= limit || bytes > maxBytes) break;
    kept++;
  }
  return kept;
}

function keepCreated(out: JobResult, all: JobResult, count: number): void {
  if (count >= all.created_files.length && all.output_files.length <= count) return;
  out.created_files = all.created_files.slice(0, count);
  out.output_files = all.output_files.slice(0, count);
  out.created_files_total = all.created_files_total ?? all.created_files.length;
}

function keepChanges(out: JobResult, count: number): void {
  const changes = out.changes;
  if (!changes || count >= changes.files.length) return;
  out.changes = { ...changes, files: changes.files.slice(0, count), truncated: true };
}

/**
 * The result as the document keeps it, within `budgetBytes` (Firestore's count) when given: each
 * part at its cap, then the largest part halved until the whole fits.
 */
export function resultForDocument(result: JobResult, budgetBytes = Infinity): JobResult {
  const out: JobResult = { ...result, stdout: cutText(result.stdout), stderr: cutText(result.stderr), final_message: cutText(result.final_message) };
  keepCreated(out, result, keptFiles(result.created_files, DOC_CREATED_FILES_LIMIT, DOC_CREATED_FILES_BYTES));
  if (out.changes) keepChanges(out, keptFiles(out.changes.files, DOC_CHANGES_FILES_LIMIT, DOC_CHANGES_FILES_BYTES));
  if (result.structured_output !== undefined) {
    const json = JSON.stringify(result.structured_output) ?? '';
    if (Buffer.byteLength(json) > DOC_STRUCTURED_OUTPUT_BYTES || depthOf(result.structured_output, DOC_STRUCTURED_OUTPUT_DEPTH) > DOC_STRUCTURED_OUTPUT_DEPTH) {
      delete out.structured_output;
      out.structured_output_truncated = true;
    }
  }
  for (let round = 0; round < 64 && firestoreSize(out) > budgetBytes; round++) {
    const parts: [string, number][] = [
      ['stdout', firestoreSize(out.stdout)],
      ['stderr', firestoreSize(out.stderr)],
      ['final_message', firestoreSize(out.final_message)],
      ['created_files', firestoreSize(out.created_files) + firestoreSize(out.output_files)],
      ['changes', firestoreSize(out.changes?.files ?? [])],
      ['structured_output', out.structured_output === undefined ? 0 : firestoreSize(out.structured_output)],
    ];
    const [largest, size] = parts.reduce((a, b) => (b[1] > a[1] ? b : a));
    if (size <= 256) break; // nothing left worth cutting: the rest of the document is the problem
    if (largest === 'stdout' || largest === 'stderr' || largest === 'final_message') out[largest] = cutText(result[largest], Math.floor(size / 2));
    else if (largest === 'created_files') keepCreated(out, result, Math.floor(out.created_files.length / 2));
    else if (largest === 'changes') keepChanges(out, Math.floor(out.changes!.files.length / 2));
    else {
      delete out.structured_output;
      out.structured_output_truncated = true;
    }
  }
  return out;
}

/** What the result may take of a job document whose other fields are `rest`. */
export function resultBudget(rest: Record<string, unknown>): number {
  return FIRESTORE_MAX_DOCUMENT_BYTES - DOC_SPARE_BYTES - firestoreSize(rest);
}
