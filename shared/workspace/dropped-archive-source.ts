// A workspace from an archive dropped in the uploads bucket: the job references the object and its
// generation (no copy is made), and the processor unpacks the archive's entries other than the
// .codex/.prompt ones (those became the jobs).
import type { BlobStore } from '../blobs/blob-store.js';
import { INTAKE_LIMITS } from '../intake/intake-limits.js';
import { isPromptFileName } from '../intake/prompt-file.js';
import { unpackArchiveObject } from './archive-input.js';
import type { UnpackLimits, UnpackResult } from './unpack-archive.js';

export interface DroppedArchive {
  bucket: string;
  object: string;
  generation: string;
}

export function unpackDroppedArchive(blobs: BlobStore, archive: DroppedArchive, root: string, workspace: string, limits: UnpackLimits): Promise<UnpackResult> {
  const object = { bucket: archive.bucket, name: archive.object, generation: archive.generation, label: archive.object, maxObjectBytes: INTAKE_LIMITS.maxArchiveObjectBytes };
  return unpackArchiveObject(blobs, object, root, workspace, limits, (p) => (isPromptFileName(p) ? false : null));
}
