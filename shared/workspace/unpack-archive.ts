// Unpacks an input archive (zip, tar, tar.gz) into the workspace, streamed to disk entry by entry.
// The intake's entry rules apply (intake/archive-entries.ts): escaping or absolute paths, links and devices are
// skipped and reported, never created. WORKSPACE_MAX_BYTES counts bytes actually written and
// WORKSPACE_MAX_FILES counts entries as they come, so a bomb stops early, whatever it declares.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { ReadEntry } from 'tar';
import { expansionMeter, openZip, tarEntrySpecial, tarParser, unsafePathReason, zipEntries } from '../intake/archive-entries.js';
import type { ArchiveFormat } from './archive-format.js';

/** The input cannot become a workspace (bad archive, over a limit): the job fails with workspace_error. */
export class WorkspaceInputError extends Error {
  override name = 'WorkspaceInputError';
}

const refused = (message: string) => new WorkspaceInputError(message);

export interface UnpackLimits {
  maxBytes: number;
  maxFiles: number;
}

export interface SkippedEntry {
  path: string;
  reason: string;
}

export interface UnpackResult {
  files: number;
  bytes: number;
  skipped: SkippedEntry[];
}

/** `null`: unpack it; `false`: leave it out silently (a dropped archive's prompt entries); a string: skip and report why. */
export type EntryFilter = (entryPath: string) => string | false | null;

const GIT_DIR_REASON = 'a .git directory is not unpacked (the workspace gets a repository of its own)';

class Unpacker {
  readonly result: UnpackResult = { files: 0, bytes: 0, skipped: [] };
  private entries = 0;
  private readonly dirs = new Set<string>();

  constructor(
    readonly dest: string,
    readonly limits: UnpackLimits,
    readonly filter: EntryFilter,
  ) {}

  /** The safe relative path to write, or null (skipped; reported unless filtered silently). */
  admit(rawPath: string, special: string | null, isDir: boolean): string | null {
    if (!isDir && ++this.entries > this.limits.maxFiles) throw new WorkspaceInputError(`the archive has more than ${this.limits.maxFiles} entries (WORKSPACE_MAX_FILES)`);
    const rel = rawPath.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
    if (rel === '' || rel === '.') return null;
    const reason = special ?? unsafePathReason(rel) ?? (rel.split('/').includes('.git') ? GIT_DIR_REASON : null) ?? (isDir ? null : this.filter(rel));
    if (reason === false) return null;
    if (reason) {
      this.skip(rawPath, reason);
      return null;
    }
    return rel;
  }

  skip(p: string, reason: string): void {
    this.result.skipped.push({ path: p, reason });
  }

  async mkdirs(rel: string): Promise<boolean> {
    if (this.dirs.has(rel)) return true;
    try {
      await mkdir(path.join(this.dest, rel), { recursive: true, mode: 0o755 });
      this.dirs.add(rel);
      return true;
    } catch (err) {
      this.skip(rel, `cannot make the directory: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      return false;
    }
  }

  countBytes(n: number): void {
    this.result.bytes += n;
    if (this.result.bytes > this.limits.maxBytes) throw new WorkspaceInputError(`the archive unpacks to more than ${this.limits.maxBytes} bytes (WORKSPACE_MAX_BYTES)`);
  }

  /** Streams one entry's data into a new file (never through an existing path or link). */
  async write(rel: string, mode: number, data: Readable): Promise<void> {
    const target = path.join(this.dest, rel);
    if (!target.startsWith(this.dest + path.sep)) throw new WorkspaceInputError(`entry ${rel} escapes the workspace`);
    const parent = path.posix.dirname(rel);
    if (parent !== '.' && !(await this.mkdirs(parent))) {
      data.resume();
      return;
    }
    const meter = new Transform({
      transform: (chunk: Buffer, _enc, done) => {
        try {
          this.countBytes(chunk.length);
          done(null, chunk);
        } catch (err) {
          done(err as Error);
        }
      },
    });
    const file = createWriteStream(target, { flags: 'wx', mode: mode & 0o111 ? 0o755 : 0o644 });
    try {
      await pipeline(data, meter, file);
      this.result.files += 1;
    } catch (err) {
      if (err instanceof WorkspaceInputError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || code === 'EISDIR' || code === 'ENOTDIR') {
        this.skip(rel, code === 'EEXIST' ? 'duplicate entry' : 'a file and a directory of the same name');
        return;
      }
      throw new WorkspaceInputError(`entry ${rel} could not be unpacked: ${(err as Error).message}`);
    }
  }
}

export async function unpackArchive(file: string, format: ArchiveFormat, dest: string, limits: UnpackLimits, filter: EntryFilter = () => null): Promise<UnpackResult> {
  const unpacker = new Unpacker(path.resolve(dest), limits, filter);
  if (format === 'zip') await unpackZip(file, unpacker);
  else await unpackTar(createReadStream(file), format === 'tar.gz', unpacker);
  return unpacker.result;
}

async function unpackZip(file: string, u: Unpacker): Promise<void> {
  const zip = await openZip(file, refused);
  try {
    for await (const { entry, rawName, isDir, special } of zipEntries(zip, refused)) {
      const rel = u.admit(rawName, special, isDir);
      if (!rel) continue;
      if (isDir) {
        await u.mkdirs(rel);
        continue;
      }
      if (entry.isEncrypted() || !entry.canDecodeFileData()) {
        u.skip(rawName, entry.isEncrypted() ? 'the entry is encrypted' : `unsupported compression method ${entry.compressionMethod}`);
        continue;
      }
      const mode = entry.versionMadeBy >> 8 === 3 ? (entry.externalFileAttributes >>> 16) & 0o777 : 0o644;
      let stream: Readable;
      try {
        stream = await zip.openReadStreamPromise(entry);
      } catch (err) {
        throw new WorkspaceInputError(`zip entry ${rel} is invalid: ${(err as Error).message}`);
      }
      await u.write(rel, mode, stream);
    }
  } finally {
    zip.close();
  }
}

/** Room for headers and padding on top of the file data, for the decompressed-stream cap. */
const TAR_OVERHEAD_PER_ENTRY = 1024;

async function unpackTar(source: Readable, gzipped: boolean, u: Unpacker): Promise<void> {
  // Skipped entries are drained, not written: their data still counts here, so a bomb of them stops too.
  const meter = expansionMeter(u.limits.maxBytes + u.limits.maxFiles * TAR_OVERHEAD_PER_ENTRY + 1024 * 1024, refused);
  const parser = tarParser();
  let failure: unknown;
  let current: ReadEntry | undefined;
  // The parser is not a stream: this feeds it with backpressure, and fails the pipeline with it.
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (failure) return done(failure as Error);
      if (parser.write(chunk)) done();
      else parser.once('drain', () => done());
    },
    final(done) {
      if (failure) return done(failure as Error);
      parser.end(() => done());
    },
  });
  const fail = (err: unknown) => {
    if (failure) return;
    failure = err;
    // The entry being written would otherwise wait for data that never comes.
    (current as unknown as { destroy?: (e?: Error) => void } | undefined)?.destroy?.(err as Error);
    const error = err instanceof Error ? err : new Error(String(err));
    parser.abort(error);
    source.destroy(error);
    sink.destroy(error);
  };
  // Entries are written one at a time, in order: the parser waits (backpressure) while one is written.
  let chain = Promise.resolve();
  parser.on('entry', (entry: ReadEntry) => {
    const isDir = entry.type === 'Directory';
    let rel: string | null = null;
    try {
      rel = failure ? null : u.admit(entry.path, tarEntrySpecial(entry.type), isDir);
    } catch (err) {
      fail(err);
    }
    if (!rel || isDir) {
      if (rel && isDir) chain = chain.then(async () => void (await u.mkdirs(rel)));
      entry.resume();
      return;
    }
    const target = rel;
    chain = chain
      .then(() => {
        if (failure) return void entry.resume();
        current = entry;
        return u.write(target, entry.mode ?? 0o644, entry as unknown as Readable);
      })
      .then(
        () => undefined,
        (err: unknown) => {
          entry.resume();
          fail(err);
        },
      );
  });
  parser.on('error', fail);
  const stages: (NodeJS.ReadableStream | NodeJS.WritableStream)[] = [source];
  if (gzipped) stages.push(createGunzip());
  stages.push(meter, sink);
  try {
    await (pipeline as (...s: unknown[]) => Promise<void>)(...stages);
  } catch (err) {
    if (!failure) failure = err;
  }
  await chain;
  if (failure) {
    if (failure instanceof WorkspaceInputError) throw failure;
    throw new WorkspaceInputError(`not a valid ${gzipped ? 'tar.gz' : 'tar'} archive: ${(failure as Error).message}`);
  }
}
