// Reads a directory tree (regular files with content and executable bit, symlinks as their target),
// skipping .git, so two trees can be compared exactly.
import { cp, lstat, mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export async function readTree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (sub: string) => {
    for (const entry of await readdir(path.join(dir, sub), { withFileTypes: true })) {
      if (entry.name === '.git') continue;
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      const full = path.join(dir, rel);
      if (entry.isDirectory()) await walk(rel);
      else if (entry.isSymbolicLink()) out.set(rel, `link:${await readlink(full)}`);
      else {
        const st = await lstat(full);
        out.set(rel, `${st.mode & 0o111 ? 'x' : '-'}:${(await readFile(full)).toString('base64')}`);
      }
    }
  };
  await walk('');
  return out;
}

/** A temp copy of a directory without its .git; removed by the returned cleanup. */
export async function copyWithoutGit(dir: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const copy = await mkdtemp(path.join(os.tmpdir(), 'tree-copy-'));
  await cp(dir, copy, { recursive: true, filter: (src) => path.basename(src) !== '.git', verbatimSymlinks: true });
  return { dir: copy, remove: () => rm(copy, { recursive: true, force: true }) };
}
