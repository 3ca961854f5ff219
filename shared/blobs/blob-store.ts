// The blob store: uploads, outputs and results objects. Files move as streams, never whole buffers.
import type { Readable, Writable } from 'node:stream';

export interface BlobInfo {
  name: string;
  size: number;
  contentType: string;
  /** The object's custom metadata (e.g. which attempt of a job wrote it, see ordered-write.ts). */
  metadata?: Record<string, string>;
}

/** An object's generation (GCS's version number) and custom metadata. */
export interface ObjectVersion {
  generation: string;
  metadata: Record<string, string>;
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
  /** The object's current generation and metadata, or null when it does not exist. */
  version(bucket: string, name: string): Promise<ObjectVersion | null>;
  /**
   * Writes gs://bucket/name only while the object is still at generation `ifGeneration` ('0': absent);
   * false when another write moved it first (GCS precondition, 412). Nothing is written then.
   */
  putIfGeneration(bucket: string, name: string, source: Readable, options: { contentType: string; ifGeneration: string; metadata: Record<string, string> }): Promise<boolean>;
  list(bucket: string, prefix: string): Promise<BlobInfo[]>;
  info(bucket: string, name: string): Promise<BlobInfo | null>;
  exists(bucket: string, name: string): Promise<boolean>;
  delete(bucket: string, name: string): Promise<void>;
}

export function gsUri(bucket: string, name: string): string {
  return `gs://${bucket}/${name}`;
}
