// After the turn (every process of it ended): everything changed against the base, the agent's own
// commits included and the workspace's .gitignore respected, as a binary-safe patch file and a
// summary. Computed in the tracking repository (base-commit.ts), never in the agent's.
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { tracked, type TrackingRepo, type WorkspaceBase } from './base-commit.js';
import type { ChangedFile, ChangeStats } from './workspace-schemas.js';

export interface CollectedChanges {
  files: ChangedFile[];
  stats: ChangeStats;
  /** The patch, on local disk (uploaded by the caller). */
  patchFile: string;
  patchBytes: number;
}

/** `git diff --raw -z` records → one entry per file (renames with their old path). */
export function parseRawDiff(raw: string): Omit<ChangedFile, 'size_bytes'>[] {
  const parts = raw.split('\0');
  const out: Omit<ChangedFile, 'size_bytes'>[] = [];
  for (let i = 0; i < parts.length; ) {
    const meta = parts[i++];
    if (!meta) continue;
    const status = meta.split(' ').at(-1)!;
    const letter = status[0];
    if (letter === 'R' || letter === 'C') {
      const from = parts[i++]!;
      const to = parts[i++]!;
      out.push(letter === 'R' ? { path: to, change: 'renamed', old_path: from } : { path: to, change: 'added' });
    } else {
      const p = parts[i++]!;
      out.push({ path: p, change: letter === 'A' ? 'added' : letter === 'D' ? 'deleted' : 'modified' });
    }
  }
  return out;
}

/** `git diff --numstat -z` → total insertions and deletions (binary files count as neither). */
export function parseNumstat(raw: string): { insertions: number; deletions: number } {
  let insertions = 0;
  let deletions = 0;
  const parts = raw.split('\0');
  for (let i = 0; i < parts.length; i++) {
    const m = /^(\d+|-)\t(\d+|-)\t(.*)$/s.exec(parts[i]!);
    if (!m) continue;
    if (m[1] !== '-') insertions += Number(m[1]);
    if (m[2] !== '-') deletions += Number(m[2]);
    if (m[3] === '') i += 2; // a rename: the two paths follow as their own fields
  }
  return { insertions, deletions };
}

/**
 * `git diff --raw --numstat -z` → its two parts: the raw records come first, each `:meta` then one
 * path (two for a rename or copy); the numstat records follow. Walked record by record, so a path
 * that starts with `:` is never taken for a record.
 */
export function splitRawAndNumstat(out: string): { raw: string; numstat: string } {
  const parts = out.split('\0');
  let i = 0;
  while (i < parts.length && parts[i]!.startsWith(':')) {
    const letter = parts[i]!.split(' ').at(-1)![0];
    i += letter === 'R' || letter === 'C' ? 3 : 2;
  }
  return { raw: parts.slice(0, i).join('\0'), numstat: parts.slice(i).join('\0') };
}

export async function collectChanges(repo: TrackingRepo, base: WorkspaceBase, patchFile: string): Promise<CollectedChanges> {
  await tracked(repo, ['add', '-A'], 'git add of the final files');
  // The index against the base tree: the same diff as tree against tree, without writing the tree first.
  const range = ['--cached', base.tree];
  const [, summary] = await Promise.all([
    tracked(repo, ['diff', '--binary', '--full-index', '-M', '--no-color', '--no-ext-diff', '--no-textconv', ...range], 'git diff', { stdoutFile: patchFile }),
    tracked(repo, ['diff', '--raw', '--numstat', '-z', '-M', '--no-ext-diff', '--no-textconv', ...range], 'git diff --raw --numstat'),
  ]);
  const { raw, numstat } = splitRawAndNumstat(summary);
  const entries = parseRawDiff(raw);
  const files = await Promise.all(
    entries.map(async (e): Promise<ChangedFile> => {
      if (e.change === 'deleted') return { ...e, size_bytes: 0 };
      const st = await lstat(path.join(repo.workspace, e.path)).catch(() => null);
      return { ...e, size_bytes: st?.size ?? 0 };
    }),
  );
  const patchBytes = (await lstat(patchFile)).size;
  return { files, stats: { files_changed: files.length, ...parseNumstat(numstat) }, patchFile, patchBytes };
}
