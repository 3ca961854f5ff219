// Output caps (OUTPUT_MAX_FILES, OUTPUT_MAX_BYTES): a job that makes 30 000 files (an `npm install`)
// still completes; the files past a cap are left out and the result says so. The caller folds
// `truncated` into result.changes.truncated (and result.outputs_truncated).
import type { CreatedFile } from '../jobs/job-document.js';

export interface OutputCaps {
  maxFiles: number;
  maxBytes: number;
}

export interface CappedOutputs {
  /** The files that are uploaded, in the planned (sorted) order. */
  files: CreatedFile[];
  /** true when a cap left at least one file out. */
  truncated: boolean;
  /** How many changed files there were before the caps. */
  total: number;
}

/** Keeps files in order while both caps hold; a file too big for the bytes left is skipped, smaller later ones still fit. */
export function capOutputs(planned: CreatedFile[], caps: OutputCaps): CappedOutputs {
  const files: CreatedFile[] = [];
  let bytes = 0;
  for (const file of planned) {
    if (files.length >= caps.maxFiles) break;
    if (bytes + file.size_bytes > caps.maxBytes) continue;
    files.push(file);
    bytes += file.size_bytes;
  }
  return { files, truncated: files.length < planned.length, total: planned.length };
}
