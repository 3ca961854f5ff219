// The blob store: uploads, outputs and results objects. Files move as streams, never whole buffers.
import type { Readable, Writable } from 'node:stream';

export interface BlobInfo {
  name: string;
  size: number;
  contentType: string;
}

export interface BlobStore {
  /** Streams a local file to gs://bucket/name. */
  uploadFile(bucket: string, name: string, localPath: string, contentType: string): Promise<void>;
  /** Streams an already open source (a file opened without following links) to gs://bucket/name. */
  uploadStream(bucket: string, name: string, source: Readable, contentType: string): Promise<void>;
  writeJson(bucket: string, name: string, value: unknown): Promise<void>;
  /** A stream that writes gs://bucket/name (one request, not resumable); its 'finish' means the object exists. */
  writeStream(bucket: string, name: string, contentType: string): Writable;
  readStream(bucket: string, name: string): Readable;
  /** Streams gs://bucket/name (that generation, when given) to a local file. */
  downloadFile(bucket: string, name: string, localPath: string, options?: { generation?: string }): Promise<void>;
  list(bucket: string, prefix: string): Promise<BlobInfo[]>;
  info(bucket: string, name: string): Promise<BlobInfo | null>;
  exists(bucket: string, name: string): Promise<boolean>;
  delete(bucket: string, name: string): Promise<void>;
}

export function gsUri(bucket: string, name: string): string {
  return `gs://${bucket}/${name}`;
}
