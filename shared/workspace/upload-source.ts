// A workspace from an upload of the job's owner: gs://UPLOADS_BUCKET/inputs/{owner}/{upload_id}.
import type { BlobStore } from '../blobs/blob-store.js';
import { unpackArchiveObject } from './archive-input.js';
import type { UnpackLimits, UnpackResult } from './unpack-archive.js';
import { UPLOAD_MAX_BYTES, uploadObjectName } from './upload-object.js';

export function unpackUpload(blobs: BlobStore, bucket: string, owner: string, uploadId: string, root: string, workspace: string, limits: UnpackLimits): Promise<UnpackResult> {
  const object = { bucket, name: uploadObjectName(owner, uploadId), label: `upload ${uploadId}`, maxObjectBytes: UPLOAD_MAX_BYTES };
  return unpackArchiveObject(blobs, object, root, workspace, limits);
}
