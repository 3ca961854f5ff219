// Checks on a delivered branch in a bare repository: its tip is one commit on the expected parent,
// and its tree is exactly the parent's tree with the job's patch (changes.patch) applied.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestEnv } from './test-env.js';
import { gitIn } from './git-http-server.js';

export async function jobPatch(env: TestEnv, jobId: string): Promise<string> {
  const [bytes] = await env.storage.bucket(env.config.OUTPUTS_BUCKET).file(`jobs/${jobId}/changes.patch`).download();
  return bytes.toString('utf8');
}

export function branchTip(bareDir: string, branch: string): string | null {
  try {
    return gitIn(bareDir, 'rev-parse', '--verify', '-q', `refs/heads/${branch}`);
  } catch {
    return null;
  }
}

/** tip = one commit whose parent is `parent`, and whose tree is parent's tree + the patch. */
export async function assertTipIsParentPlusPatch(bareDir: string, tip: string, parent: string, patch: string): Promise<void> {
  assert.equal(gitIn(bareDir, 'rev-list', '--parents', '-n', '1', tip), `${tip} ${parent}`, 'the tip is one commit on the parent');
  const work = await mkdtemp(path.join(os.tmpdir(), 'delivered-'));
  try {
    gitIn(work, 'clone', '-q', '--no-checkout', bareDir, 'w');
    const w = path.join(work, 'w');
    gitIn(w, 'checkout', '-q', '--detach', parent);
    await writeFile(path.join(work, 'job.patch'), patch);
    if (patch.length > 0) gitIn(w, 'apply', '--binary', path.join(work, 'job.patch'));
    gitIn(w, 'add', '-A');
    assert.equal(gitIn(w, 'write-tree'), gitIn(bareDir, 'rev-parse', `${tip}^{tree}`), "the tip's tree is the parent's with exactly the job's patch");
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
