// The entries of a zip or tar archive as both archive readers see them: the intake of dropped
// archives (archives.ts: prompt entries read into memory) and the workspace unpacker
// (workspace/unpack-archive.ts: entries written to disk). One walk over a zip's entries, one answer to
// what an entry is (a file, a directory, or the link or device that gets it skipped), one path rule,
// and one meter on decompressed bytes. Each reader passes its own error for a refused archive.
import { Transform } from 'node:stream';
import { Parser, type ReadEntry } from 'tar';
import yauzl from 'yauzl';

/** Makes the reader's error (ArchiveError, WorkspaceInputError) for a refused archive. */
export type ArchiveFailure = (message: string) => Error;

/** Why an entry path is unsafe, or null. */
export function unsafePathReason(path: string): string | null {
  if (path === '') return 'empty path';
  if (path.includes('\0')) return 'NUL character in the path';
  if (path.includes('\\')) return 'backslash in the path';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'absolute path';
  if (path.split('/').includes('..')) return 'path escapes the archive (..)';
  if (path.length > 1024) return 'path longer than 1024 characters';
  return null;
}

// ---- zip (yauzl: random access on a file in the caller's private temp dir) ----

const S_IFMT = 0o170000;
const UNIX_TYPES: Record<number, string> = { 0o120000: 'symbolic link', 0o020000: 'character device', 0o060000: 'block device', 0o010000: 'FIFO', 0o140000: 'socket' };

/** A zip entry's kind from its Unix mode: directory, file, or the name of a link or device. */
function zipEntryType(entry: yauzl.Entry): 'directory' | 'file' | string {
  const madeByUnix = entry.versionMadeBy >> 8 === 3;
  const mode = (entry.externalFileAttributes >>> 16) & 0xffff;
  if (madeByUnix && mode !== 0) {
    const type = mode & S_IFMT;
    if (type === 0o040000) return 'directory';
    if (UNIX_TYPES[type]) return UNIX_TYPES[type];
  }
  return 'file';
}

export interface ZipEntry {
  entry: yauzl.Entry;
  /** The name as stored, not decoded or checked (the readers apply unsafePathReason and report). */
  rawName: string;
  isDir: boolean;
  /** The link or device the entry is (it is skipped), or null for a file or directory. */
  special: string | null;
}

export async function openZip(file: string, failure: ArchiveFailure): Promise<yauzl.ZipFile> {
  try {
    // decodeStrings off: yauzl would abort the whole archive on a `..` name; the readers skip and report it.
    return await yauzl.openPromise(file, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true, strictFileNames: true });
  } catch (err) {
    throw failure(`not a valid zip archive: ${(err as Error).message}`);
  }
}

/** The zip's entries in order, each with its raw name and kind; a corrupt directory fails with `failure`. */
export async function* zipEntries(zip: yauzl.ZipFile, failure: ArchiveFailure): AsyncGenerator<ZipEntry> {
  const entries = zip.eachEntry();
  for (;;) {
    let next: IteratorResult<yauzl.Entry>;
    try {
      next = await entries.next();
    } catch (err) {
      throw failure(`not a valid zip archive: ${(err as Error).message}`);
    }
    if (next.done) return;
    const entry = next.value;
    const rawName = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
    const type = zipEntryType(entry);
    const isDir = type === 'directory' || rawName.endsWith('/');
    yield { entry, rawName, isDir, special: isDir || type === 'file' ? null : type };
  }
}

// ---- tar (tar's streaming Parser) ----

const TAR_SPECIAL: Partial<Record<ReadEntry['type'], string>> = {
  SymbolicLink: 'symbolic link',
  Link: 'hard link',
  CharacterDevice: 'character device',
  BlockDevice: 'block device',
  FIFO: 'FIFO',
};
const TAR_FILE_TYPES = new Set<ReadEntry['type']>(['File', 'OldFile', 'ContiguousFile']);

/** The link, device or unsupported type that gets a tar entry skipped, or null for a file or directory. */
export function tarEntrySpecial(type: ReadEntry['type']): string | null {
  return TAR_SPECIAL[type] ?? (TAR_FILE_TYPES.has(type) || type === 'Directory' ? null : `unsupported entry type ${type}`);
}

/** A strict tar parser with bounded metadata entries (long names, pax headers). */
export function tarParser(): Parser {
  return new Parser({ strict: true, maxMetaEntrySize: 64 * 1024 });
}

/** Passes the (decompressed) archive stream through, failing once more than `limit` bytes came: a bomb stops on bytes actually produced. */
export function expansionMeter(limit: number, failure: ArchiveFailure): Transform {
  let streamed = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      streamed += chunk.length;
      if (streamed > limit) done(failure(`the archive expands to more than ${limit} bytes`));
      else done(null, chunk);
    },
  });
}
