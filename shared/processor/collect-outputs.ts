// The files a finished turn gives back: the workspace after the turn (taken only once every process
// of the turn has ended, so nothing can change it any more), compared with the snapshot before it,
// planned as output objects and capped (OUTPUT_MAX_FILES, OUTPUT_MAX_BYTES).
import type { Config } from '../config.js';
import type { CreatedFile } from '../jobs/job-document.js';
import { capOutputs } from './output-caps.js';
import { changedFiles, plannedOutputs, snapshotWorkspace, type WorkspaceSnapshot } from './output-files.js';

export interface CollectedOutputs {
  /** The files to upload and list in the result (after the caps). */
  created: CreatedFile[];
  /** true when a cap left files out. */
  truncated: boolean;
  /** The snapshot the uploads must match file by file (dev+ino). */
  seen: WorkspaceSnapshot;
}

/** `changed`: the added/modified files of the job's changes (workspace/job-changes.ts); else the snapshots' difference. */
export async function collectOutputs(config: Pick<Config, 'OUTPUTS_BUCKET' | 'OUTPUT_MAX_FILES' | 'OUTPUT_MAX_BYTES'>, jobId: string, workspace: string, before: WorkspaceSnapshot, changed?: string[]): Promise<CollectedOutputs> {
  const seen = await snapshotWorkspace(workspace);
  const files = changed ? changed.filter((rel) => seen.has(rel)) : changedFiles(before, seen);
  const capped = capOutputs(plannedOutputs(config.OUTPUTS_BUCKET, jobId, files, seen), { maxFiles: config.OUTPUT_MAX_FILES, maxBytes: config.OUTPUT_MAX_BYTES });
  return { created: capped.files, truncated: capped.truncated, seen };
}
