// An archive object → files in the workspace: downloaded into the job's private root (outside the
// workspace), its format told by its first bytes, then unpacked within the workspace limits.
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import type { BlobStore } from '../blobs/blob-store.js';
import { ACCEPTED_FORMATS_TEXT, archiveFormatOf, FORMAT_SNIFF_BYTES } from './archive-format.js';
import { unpackArchive, WorkspaceInputError, type EntryFilter, type UnpackLimits, type UnpackResult } from './unpack-archive.js';

export interface ArchiveObject {
  bucket: string;
  name: string;
  generation?: string;
  /** How messages name it: `upload abc123`, `drop.zip`. */
  label: string;
  maxObjectBytes: number;
}

export async function unpackArchiveObject(blobs: BlobStore, object: ArchiveObject, root: string, workspace: string, limits: UnpackLimits, filter?: EntryFilter): Promise<UnpackResult> {
  const info = await blobs.info(object.bucket, object.name);
  if (!info) throw new WorkspaceInputError(`${object.label} is gone (expired or deleted)`);
  if (info.size > object.maxObjectBytes) throw new WorkspaceInputError(`${object.label} is larger than ${object.maxObjectBytes} bytes`);
  const local = path.join(root, 'input.archive');
  try {
    try {
      await blobs.downloadFile(object.bucket, object.name, local, object.generation ? { generation: object.generation } : {});
    } catch (err) {
      if ((err as { code?: unknown }).code === 404) throw new WorkspaceInputError(`${object.label} is gone (expired, deleted or replaced)`);
      throw err;
    }
    const handle = await open(local, 'r');
    const head = Buffer.alloc(FORMAT_SNIFF_BYTES);
    let read;
    try {
      ({ bytesRead: read } = await handle.read(head, 0, head.length, 0));
    } finally {
      await handle.close();
    }
    const format = archiveFormatOf(head.subarray(0, read));
    if (!format) throw new WorkspaceInputError(`${object.label} is not ${ACCEPTED_FORMATS_TEXT}`);
    try {
      return await unpackArchive(local, format, workspace, limits, filter);
    } catch (err) {
      if (err instanceof WorkspaceInputError) throw new WorkspaceInputError(`${object.label}: ${err.message}`);
      throw err;
    }
  } finally {
    await rm(local, { force: true });
  }
}
