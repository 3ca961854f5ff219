// Opening an output file for upload without being led elsewhere: O_NOFOLLOW refuses a symlink in
// the last component, O_NONBLOCK keeps a FIFO from blocking, and fstat must show the very regular
// file (same device and inode) the snapshot saw. A file swapped for a link to /proc/self/environ or a
// host file after the snapshot is therefore never read.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

export interface SeenFile {
  dev: number;
  ino: number;
}

/** The open file, or null (with why) when it is not the regular file that was seen. */
export async function openSnapshotFile(fullPath: string, seen: SeenFile): Promise<{ handle: FileHandle } | { handle: null; why: string }> {
  let handle: FileHandle;
  try {
    handle = await open(fullPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { handle: null, why: code === 'ELOOP' ? 'it is a symbolic link now' : `it cannot be opened (${code ?? (err as Error).message})` };
  }
  const st = await handle.stat();
  if (!st.isFile() || st.dev !== seen.dev || st.ino !== seen.ino) {
    await handle.close();
    return { handle: null, why: st.isFile() ? 'it is another file than the one the snapshot saw' : 'it is not a regular file any more' };
  }
  return { handle };
}
