// BlobStore on Cloud Storage (fake-gcs-server locally, through STORAGE_EMULATOR_HOST).
import { createReadStream, createWriteStream } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Storage } from '@google-cloud/storage';
import type { BlobInfo, BlobStore, ObjectVersion } from './blob-store.js';

export class GcsBlobStore implements BlobStore {
  constructor(readonly storage: Storage) {}

  async uploadFile(bucket: string, name: string, localPath: string, contentType: string): Promise<void> {
    // resumable:false is one streamed multipart request: cheaper for the many small files jobs make.
    const out = this.storage.bucket(bucket).file(name).createWriteStream({ resumable: false, contentType, metadata: { contentType } });
    await pipeline(createReadStream(localPath), out);
  }

  async uploadStream(bucket: string, name: string, source: Readable, contentType: string): Promise<void> {
    const out = this.storage.bucket(bucket).file(name).createWriteStream({ resumable: false, contentType, metadata: { contentType } });
    await pipeline(source, out);
  }

  async writeJson(bucket: string, name: string, value: unknown): Promise<void> {
    await this.storage.bucket(bucket).file(name).save(JSON.stringify(value, null, 2), { resumable: false, contentType: 'application/json' });
  }

  writeStream(bucket: string, name: string, contentType: string): Writable {
    return this.storage.bucket(bucket).file(name).createWriteStream({ resumable: false, contentType, metadata: { contentType } });
  }

  readStream(bucket: string, name: string): Readable {
    return this.storage.bucket(bucket).file(name).createReadStream();
  }

  async downloadFile(bucket: string, name: string, localPath: string, options: { generation?: string } = {}): Promise<void> {
    const file = this.storage.bucket(bucket).file(name, options.generation ? { generation: options.generation } : {});
    await pipeline(file.createReadStream(), createWriteStream(localPath));
  }

  async version(bucket: string, name: string): Promise<ObjectVersion | null> {
    try {
      const [meta] = await this.storage.bucket(bucket).file(name).getMetadata();
      return { generation: String(meta.generation ?? '0'), metadata: stringMetadata(meta.metadata) };
    } catch (err) {
      if ((err as { code?: number }).code === 404) return null;
      throw err;
    }
  }

  async putIfGeneration(bucket: string, name: string, source: Readable, options: { contentType: string; ifGeneration: string; metadata: Record<string, string> }): Promise<boolean> {
    const out = this.storage.bucket(bucket).file(name).createWriteStream({
      resumable: false,
      contentType: options.contentType,
      metadata: { contentType: options.contentType, metadata: options.metadata },
      preconditionOpts: { ifGenerationMatch: options.ifGeneration },
    });
    try {
      await pipeline(source, out);
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 412) return false;
      throw err;
    } finally {
      source.destroy();
    }
  }

  async list(bucket: string, prefix: string): Promise<BlobInfo[]> {
    const [files] = await this.storage.bucket(bucket).getFiles({ prefix, autoPaginate: true });
    return files.map((f) => ({ name: f.name, size: Number(f.metadata.size ?? 0), contentType: f.metadata.contentType ?? 'application/octet-stream', metadata: stringMetadata(f.metadata.metadata) }));
  }

  async info(bucket: string, name: string): Promise<BlobInfo | null> {
    try {
      const [meta] = await this.storage.bucket(bucket).file(name).getMetadata();
      return { name, size: Number(meta.size ?? 0), contentType: meta.contentType ?? 'application/octet-stream', metadata: stringMetadata(meta.metadata) };
    } catch (err) {
      if ((err as { code?: number }).code === 404) return null;
      throw err;
    }
  }

  async exists(bucket: string, name: string): Promise<boolean> {
    const [exists] = await this.storage.bucket(bucket).file(name).exists();
    return exists;
  }

  async delete(bucket: string, name: string): Promise<void> {
    await this.storage.bucket(bucket).file(name).delete({ ignoreNotFound: true });
  }
}

function stringMetadata(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (raw && typeof raw === 'object') for (const [k, v] of Object.entries(raw as Record<string, unknown>)) if (v !== null && v !== undefined) out[k] = String(v);
  return out;
}
