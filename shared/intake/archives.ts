// Archives dropped in the uploads bucket (.zip, .tar.gz, .tgz): their .codex/.prompt entries, read
// within the limits with maintained parsers (yauzl, tar). Entry data is only ever held in memory,
// never extracted; unsafe entries (.., absolute paths, links, devices) are skipped and reported.
import { Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import yauzl from 'yauzl';
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

/** Why an entry path is unsafe, or null. Paths are never used on disk; this is about reporting. */
export function unsafePathReason(path: string): string | null {
  if (path === '') return 'empty path';
  if (path.includes('\0')) return 'NUL character in the path';
  if (path.includes('\\')) return 'backslash in the path';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'absolute path';
  if (path.split('/').includes('..')) return 'path escapes the archive (..)';
  if (path.length > 1024) return 'path longer than 1024 characters';
  return null;
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

const S_IFMT = 0o170000;
const UNIX_TYPES: Record<number, string> = { 0o120000: 'symbolic link', 0o020000: 'character device', 0o060000: 'block device', 0o010000: 'FIFO', 0o140000: 'socket' };

/** A zip entry's kind from its Unix mode: directory, file, or the name of a link or device. */
export function zipEntryType(entry: yauzl.Entry): 'directory' | 'file' | string {
  const madeByUnix = entry.versionMadeBy >> 8 === 3;
  const mode = (entry.externalFileAttributes >>> 16) & 0xffff;
  if (madeByUnix && mode !== 0) {
    const type = mode & S_IFMT;
    if (type === 0o040000) return 'directory';
    if (UNIX_TYPES[type]) return UNIX_TYPES[type];
  }
  return 'file';
}

export async function readZipArchive(file: string, limits: IntakeLimits): Promise<ArchiveContents> {
  const tally = new ArchiveTally(limits);
  let zip: yauzl.ZipFile;
  try {
    // decodeStrings off: yauzl would abort the whole archive on a `..` name; we skip and report it.
    zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true, strictFileNames: true });
  } catch (err) {
    throw new ArchiveError(`not a valid zip archive: ${(err as Error).message}`);
  }
  try {
    if (zip.entryCount > limits.maxArchiveEntries) throw new ArchiveError(`the archive has more than ${limits.maxArchiveEntries} entries (${zip.entryCount})`);
    const entries = zip.eachEntry();
    for (;;) {
      let next: IteratorResult<yauzl.Entry>;
      try {
        next = await entries.next();
      } catch (err) {
        throw new ArchiveError(`not a valid zip archive: ${(err as Error).message}`);
      }
      if (next.done) break;
      const entry = next.value;
      tally.countEntry();
      const rawName = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
      const type = zipEntryType(entry);
      if (type === 'directory' || rawName.endsWith('/')) continue;
      const path = tally.admit(rawName, type === 'file' ? null : type);
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

export const TAR_SPECIAL: Partial<Record<ReadEntry['type'], string>> = {
  SymbolicLink: 'symbolic link',
  Link: 'hard link',
  CharacterDevice: 'character device',
  BlockDevice: 'block device',
  FIFO: 'FIFO',
};
export const TAR_FILE_TYPES = new Set<ReadEntry['type']>(['File', 'OldFile', 'ContiguousFile']);
/** Room for headers, padding and the end-of-archive records on top of the entry data. */
const TAR_OVERHEAD_BYTES = 1024 * 1024;

export async function readTarGzArchive(source: Readable, limits: IntakeLimits): Promise<ArchiveContents> {
  const tally = new ArchiveTally(limits);
  const gunzip = createGunzip();
  const streamLimit = limits.maxArchiveDataBytes + TAR_OVERHEAD_BYTES;
  let streamed = 0;
  // A gzip bomb stops here, on decompressed bytes actually produced.
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      streamed += chunk.length;
      if (streamed > streamLimit) done(new ArchiveError(`the archive expands to more than ${streamLimit} bytes`));
      else done(null, chunk);
    },
  });
  const parser = new Parser({ strict: true, maxMetaEntrySize: 64 * 1024 });
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
      const special = TAR_SPECIAL[entry.type] ?? (TAR_FILE_TYPES.has(entry.type) || entry.type === 'Directory' ? null : `unsupported entry type ${entry.type}`);
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
