// Archives dropped in the uploads bucket (.zip, .tar.gz, .tgz): their .codex/.prompt entries, read
// within the limits with maintained parsers (yauzl, tar). Entry data is only ever held in memory,
// never extracted; unsafe entries (.., absolute paths, links, devices) are skipped and reported.
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { ReadEntry } from 'tar';
import { expansionMeter, openZip, tarEntrySpecial, tarParser, unsafePathReason, zipEntries } from './archive-entries.js';
import type { IntakeLimits } from './intake-limits.js';
import { isPromptFileName } from './prompt-file.js';

export type ArchiveKind = 'zip' | 'tar.gz';

export function archiveKind(name: string): ArchiveKind | null {
  const lower = name.toLowerCase();
  if (lower.endsWith('.zip')) return 'zip';
  if (lower.endsWith('.tar.gz') || lower.endsWith('.tgz')) return 'tar.gz';
  return null;
}

/** The whole archive is refused (too many entries, too much data, not a valid archive). */
export class ArchiveError extends Error {
  override name = 'ArchiveError';
}

const refused = (message: string) => new ArchiveError(message);

export interface ArchiveContents {
  /** Prompt entries read within the limits. */
  prompts: { path: string; bytes: Buffer }[];
  /** Prompt entries that could not be read (too large, bad data): each becomes a failed job. */
  rejected: { path: string; reason: string }[];
  /** Unsafe or duplicate entries that were not read at all. */
  skipped: { path: string; reason: string }[];
  entryCount: number;
  bytesRead: number;
  /** Safe regular entries other than prompts: the starting workspace of the archive's jobs. */
  workspaceFiles: number;
}

/** Counts entries and bytes for one archive; throws ArchiveError as soon as a limit is passed. */
class ArchiveTally {
  readonly contents: ArchiveContents = { prompts: [], rejected: [], skipped: [], entryCount: 0, bytesRead: 0, workspaceFiles: 0 };
  private promptEntries = 0;
  private readonly seen = new Set<string>();

  constructor(readonly limits: IntakeLimits) {}

  countEntry(): void {
    this.contents.entryCount += 1;
    if (this.contents.entryCount > this.limits.maxArchiveEntries) {
      throw new ArchiveError(`the archive has more than ${this.limits.maxArchiveEntries} entries`);
    }
  }

  countBytes(n: number): void {
    this.contents.bytesRead += n;
    if (this.contents.bytesRead > this.limits.maxArchiveTotalBytes) {
      throw new ArchiveError(`the archive holds more than ${this.limits.maxArchiveTotalBytes} bytes (${this.limits.maxArchiveTotalBytes / (1024 * 1024)} MiB) of prompt entry data`);
    }
  }

  /** The entry's normalized path when it is a prompt to read; records skips. `special` names a link or device. */
  admit(rawPath: string, special: string | null): string | null {
    const path = rawPath.replace(/^(\.\/)+/, '');
    const unsafe = special ?? unsafePathReason(path);
    if (unsafe) {
      this.contents.skipped.push({ path: rawPath, reason: unsafe });
      return null;
    }
    if (!isPromptFileName(path)) {
      this.contents.workspaceFiles += 1;
      return null;
    }
    if (++this.promptEntries > this.limits.maxPromptEntries) {
      throw new ArchiveError(`the archive has more than ${this.limits.maxPromptEntries} .codex/.prompt entries`);
    }
    if (this.seen.has(path)) {
      this.contents.skipped.push({ path, reason: 'duplicate entry' });
      return null;
    }
    this.seen.add(path);
    return path;
  }

  tooLarge(path: string): void {
    this.contents.rejected.push({ path, reason: `the entry is larger than ${this.limits.maxFileBytes} bytes (${this.limits.maxFileBytes / (1024 * 1024)} MiB)` });
  }
}

// ---- zip (yauzl: random access on a file in the caller's private temp dir) ----

export async function readZipArchive(file: string, limits: IntakeLimits): Promise<ArchiveContents> {
  const tally = new ArchiveTally(limits);
  const zip = await openZip(file, refused);
  try {
    if (zip.entryCount > limits.maxArchiveEntries) throw new ArchiveError(`the archive has more than ${limits.maxArchiveEntries} entries (${zip.entryCount})`);
    for await (const { entry, rawName, isDir, special } of zipEntries(zip, refused)) {
      tally.countEntry();
      if (isDir) continue;
      const path = tally.admit(rawName, special);
      if (!path) continue;
      if (entry.isEncrypted()) {
        tally.contents.rejected.push({ path, reason: 'the entry is encrypted' });
        continue;
      }
      if (!entry.canDecodeFileData()) {
        tally.contents.rejected.push({ path, reason: `unsupported compression method ${entry.compressionMethod}` });
        continue;
      }
      if (entry.uncompressedSize > limits.maxFileBytes) {
        tally.tooLarge(path);
        continue;
      }
      try {
        const stream = await zip.openReadStreamPromise(entry);
        const bytes = await readCapped(stream, limits.maxFileBytes, (n) => tally.countBytes(n));
        if (bytes) tally.contents.prompts.push({ path, bytes });
        else tally.tooLarge(path);
      } catch (err) {
        if (err instanceof ArchiveError) throw err;
        // yauzl checks the data against the declared sizes: a bomb that lies about its size ends here.
        tally.contents.rejected.push({ path, reason: `the entry's data is invalid: ${(err as Error).message}` });
      }
    }
    return tally.contents;
  } finally {
    zip.close();
  }
}

/** The stream's bytes, or null once more than `cap` bytes were read (reading stops there). */
async function readCapped(stream: Readable, cap: number, count: (n: number) => void): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      count(chunk.length);
      size += chunk.length;
      if (size > cap) return null;
      chunks.push(chunk);
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks);
}

// ---- tar.gz (tar's streaming Parser; the gzip layer is metered before it) ----

/** Room for headers, padding and the end-of-archive records on top of the entry data. */
const TAR_OVERHEAD_BYTES = 1024 * 1024;

export async function readTarGzArchive(source: Readable, limits: IntakeLimits): Promise<ArchiveContents> {
  const tally = new ArchiveTally(limits);
  const gunzip = createGunzip();
  // A gzip bomb stops here, on decompressed bytes actually produced.
  const meter = expansionMeter(limits.maxArchiveDataBytes + TAR_OVERHEAD_BYTES, refused);
  const parser = tarParser();
  return new Promise<ArchiveContents>((resolve, reject) => {
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      source.destroy();
      gunzip.destroy();
      meter.destroy();
      parser.abort(err instanceof Error ? err : new Error(String(err)));
      reject(err instanceof ArchiveError ? err : new ArchiveError(`not a valid tar.gz archive: ${(err as Error).message}`));
    };
    parser.on('entry', (entry: ReadEntry) => {
      try {
        tally.countEntry();
      } catch (err) {
        fail(err);
        return;
      }
      const special = tarEntrySpecial(entry.type);
      let path: string | null;
      try {
        path = entry.type === 'Directory' ? null : tally.admit(entry.path, special);
      } catch (err) {
        fail(err);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      entry.on('data', (chunk: Buffer) => {
        if (settled) return;
        // Other entries are drained, not kept: the stream limit above bounds them.
        if (!path) return;
        try {
          tally.countBytes(chunk.length);
        } catch (err) {
          fail(err);
          return;
        }
        size += chunk.length;
        if (path && size <= limits.maxFileBytes) chunks.push(chunk);
      });
      entry.on('end', () => {
        if (!path || settled) return;
        if (size > limits.maxFileBytes) tally.tooLarge(path);
        else tally.contents.prompts.push({ path, bytes: Buffer.concat(chunks) });
      });
    });
    const finish = () => {
      if (settled) return;
      settled = true;
      resolve(tally.contents);
      // Whatever follows the end-of-archive records is padding: stop reading it.
      source.destroy();
      gunzip.destroy();
      meter.destroy();
    };
    parser.on('error', fail);
    parser.on('eof', finish);
    parser.on('end', finish);
    source.on('error', fail);
    gunzip.on('error', (err) => fail(new ArchiveError(`not a valid gzip stream: ${err.message}`)));
    meter.on('error', fail);
    source.pipe(gunzip).pipe(meter).pipe(parser as unknown as NodeJS.WritableStream);
  });
}
