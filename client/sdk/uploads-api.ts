// client.uploads.create(fileOrDir): a folder is packed as .tar.gz (honouring .gitignore); an archive
// file (.zip, .tar, .tar.gz, .tgz) is sent as it is. POST /uploads, then the bytes to upload_url.
import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { uploadCreatedSchema, uploadReceivedSchema, type UploadCreated } from '../../shared/jobs/api-responses.js';
import { CodexJobsError } from './errors.js';
import { parseJson, type HttpTransport } from './http-transport.js';
import { packFolder } from './pack-folder.js';
import type { CallOptions } from './types.js';

const ARCHIVE = /\.(zip|tar|tar\.gz|tgz)$/i;

export interface UploadResult {
  upload_id: string;
  size_bytes: number;
  /** The files packed (a folder), relative to it. */
  files: string[];
  /** Links and special files left out of a folder. */
  skipped: string[];
}

function contentTypeOf(file: string): string {
  if (/\.zip$/i.test(file)) return 'application/zip';
  if (/\.tar$/i.test(file)) return 'application/x-tar';
  return 'application/gzip';
}

export class UploadsApi {
  constructor(private readonly http: HttpTransport) {}

  async create(fileOrDir: string, o: CallOptions = {}): Promise<UploadResult> {
    let stat;
    try {
      stat = statSync(fileOrDir);
    } catch {
      throw new CodexJobsError({ code: 'bad_request', message: `${fileOrDir}: no such file or folder` });
    }
    if (stat.isDirectory()) {
      const packed = await packFolder(fileOrDir);
      try {
        const stored = await this.send(packed.file, packed.size_bytes, o);
        return { ...stored, files: packed.files, skipped: packed.skipped };
      } finally {
        packed.remove();
      }
    }
    if (!ARCHIVE.test(fileOrDir)) {
      throw new CodexJobsError({ code: 'bad_request', message: `${fileOrDir}: an upload is a folder or a .zip, .tar, .tar.gz or .tgz archive` });
    }
    return { ...(await this.send(fileOrDir, stat.size, o)), files: [], skipped: [] };
  }

  private async send(file: string, size: number, o: CallOptions): Promise<{ upload_id: string; size_bytes: number }> {
    const created = await this.http.call({ method: 'POST', path: '/uploads', json: {}, signal: o.signal });
    const ticket: UploadCreated = uploadCreatedSchema.parse(parseJson(created.text, created.requestId, 'POST /uploads'));
    if (size > ticket.max_bytes) {
      throw new CodexJobsError({ code: 'payload_too_large', message: `the archive is ${size} bytes; uploads take at most ${ticket.max_bytes}`, status: 413 });
    }
    // The API key goes only to the API itself, never to a signed storage URL.
    const sameOrigin = new URL(ticket.upload_url, this.http.baseUrl).origin === new URL(this.http.baseUrl).origin;
    const stored = await this.http.call({
      method: 'PUT',
      path: '',
      absoluteUrl: new URL(ticket.upload_url, this.http.baseUrl).toString(),
      anonymous: !sameOrigin,
      headers: { ...ticket.headers },
      body: () => ({ body: Readable.toWeb(createReadStream(file)) as ReadableStream, contentType: ticket.headers['content-type'] ?? contentTypeOf(file), contentLength: size }),
      signal: o.signal,
    });
    if (!sameOrigin) return { upload_id: ticket.upload_id, size_bytes: size };
    return uploadReceivedSchema.parse(parseJson(stored.text, stored.requestId, 'PUT /uploads/{id}'));
  }
}
