// The blob store as a job with secrets uploads its outputs and patch through: every byte passes the
// redactor on its way to the bucket, so a secret setup wrote into a file never leaves the job.
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { BlobStore } from '../blobs/blob-store.js';
import type { SecretRedactor } from './secret-redaction.js';

export function redactingBlobs(blobs: BlobStore, redactor: SecretRedactor): BlobStore {
  if (!redactor.active) return blobs;
  const redacted = (source: Readable) => {
    const transform = redactor.stream();
    source.on('error', (err) => transform.destroy(err));
    return source.pipe(transform);
  };
  return Object.assign(Object.create(blobs) as BlobStore, {
    uploadStream: (bucket: string, name: string, source: Readable, contentType: string) => blobs.uploadStream(bucket, name, redacted(source), contentType),
    uploadFile: (bucket: string, name: string, localPath: string, contentType: string) => blobs.uploadStream(bucket, name, redacted(createReadStream(localPath)), contentType),
    writeJson: (bucket: string, name: string, value: unknown) => blobs.writeJson(bucket, name, redactor.value(value)),
  });
}
