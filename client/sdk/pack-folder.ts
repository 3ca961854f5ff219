// A folder as a .tar.gz for uploads.create(): its regular files, minus what its .gitignore files
// (at any depth, as git reads them) and .git exclude. Links and special files are left out.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import * as tar from 'tar';

export interface PackedFolder {
  file: string;
  size_bytes: number;
  files: string[];
  skipped: string[];
  remove(): void;
}

interface Rules {
  base: string; // folder of the .gitignore, relative to the root ('' = root), posix
  ig: Ignore;
}

function ignored(rel: string, isDir: boolean, rules: Rules[]): boolean {
  for (const r of rules) {
    const sub = r.base ? rel.slice(r.base.length + 1) : rel;
    if (r.ig.ignores(isDir ? `${sub}/` : sub)) return true;
  }
  return false;
}

/** The files to pack, relative to root (posix separators), in a stable order. */
export function listFolder(root: string): { files: string[]; skipped: string[] } {
  const files: string[] = [];
  const skipped: string[] = [];
  const walk = (relDir: string, rules: Rules[]) => {
    const abs = path.join(root, relDir);
    const here = [...rules];
    try {
      here.push({ base: relDir, ig: ignore().add(readFileSync(path.join(abs, '.gitignore'), 'utf8')) });
    } catch {
      // no .gitignore in this folder
    }
    for (const entry of readdirSync(abs, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
      if (entry.name === '.git') continue;
      if (entry.isDirectory()) {
        if (!ignored(rel, true, here)) walk(rel, here);
      } else if (entry.isFile()) {
        if (!ignored(rel, false, here)) files.push(rel);
      } else if (!ignored(rel, false, here)) {
        skipped.push(rel);
      }
    }
  };
  walk('', []);
  return { files, skipped };
}

export async function packFolder(root: string): Promise<PackedFolder> {
  const { files, skipped } = listFolder(root);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'codex-jobs-upload-'));
  const file = path.join(dir, 'workspace.tar.gz');
  await tar.create({ gzip: true, cwd: root, file, portable: true, noDirRecurse: true }, files.length ? files : []);
  return { file, size_bytes: statSync(file).size, files, skipped, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
