// Hostile uploads, the processor's side: the bytes an upload accepted (anything with an archive's
// first bytes) unpacked into a workspace. A bad archive is a WorkspaceInputError (the job fails with
// workspace_error); whatever happens, nothing lands outside the workspace, no link is made in it, no
// .git comes from the archive, and no more than the byte limit is written.
import { lstat, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { archiveFormatOf } from '../../shared/workspace/archive-format.js';
import { unpackArchive, WorkspaceInputError } from '../../shared/workspace/unpack-archive.js';
import { anyArchiveBody } from './hostile-archives.js';
import { WrongAnswer } from './http-verdict.js';

/** Small limits, so the bombs-lite of hostile-archives.ts cross them. */
const LIMITS = { maxBytes: 1024 * 1024, maxFiles: 50 };

async function walk(dir: string, found: { files: number; bytes: number; problems: string[] }): Promise<void> {
  for (const name of await readdir(dir)) {
    const full = path.join(dir, name);
    const st = await lstat(full);
    if (st.isSymbolicLink()) found.problems.push(`a link ${name}`);
    else if (st.isDirectory()) {
      if (name === '.git') found.problems.push('a .git directory');
      await walk(full, found);
    } else if (st.isFile()) {
      found.files++;
      found.bytes += st.size;
    } else found.problems.push(`a special file ${name}`);
  }
}

async function unpack(input: unknown): Promise<void> {
  const bytes = input as Buffer;
  const format = archiveFormatOf(bytes.subarray(0, 512));
  // No archive's first bytes: the processor refuses it before unpacking (archive-input.ts).
  if (!format) return;
  const root = await mkdtemp(path.join(os.tmpdir(), 'hostile-unpack-'));
  try {
    const file = path.join(root, 'input.archive');
    // Three levels down, so an entry that climbs out (../, ../../) lands where the walk below sees it.
    const workspace = path.join(root, 'd1', 'd2', 'workspace');
    await writeFile(file, bytes);
    await mkdir(workspace, { recursive: true });
    let failure: unknown;
    try {
      await unpackArchive(file, format, workspace, LIMITS);
    } catch (err) {
      failure = err;
    }
    const outside = [...(await readdir(root)), ...(await readdir(path.join(root, 'd1'))).map((n) => `d1/${n}`), ...(await readdir(path.join(root, 'd1', 'd2'))).map((n) => `d1/d2/${n}`)].filter(
      (n) => !['input.archive', 'd1', 'd1/d2', 'd1/d2/workspace'].includes(n),
    );
    const found = { files: 0, bytes: 0, problems: [] as string[] };
    await walk(workspace, found);
    if (outside.length) found.problems.push(`${outside.join(', ')} next to the workspace`);
    if (found.bytes > LIMITS.maxBytes) found.problems.push(`${found.bytes} bytes written (limit ${LIMITS.maxBytes})`);
    if (found.files > LIMITS.maxFiles) found.problems.push(`${found.files} files written (limit ${LIMITS.maxFiles})`);
    if (found.problems.length) throw new WrongAnswer(`unpacking made ${found.problems.join('; ')}`);
    if (failure) throw failure;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

export const UNPACK_ENTRY_POINT = {
  name: 'upload archives into a workspace (unpackArchive)',
  input: anyArchiveBody,
  run: unpack,
  expected: (e: unknown) => e instanceof WorkspaceInputError,
};
