// An output swapped after the snapshot is never read: for a symbolic link to a secret (O_NOFOLLOW)
// or another regular file renamed over it (the dev+inode check), uploadOutputs skips the file.
// The processor test (upload-symlink-swap.test.ts) cannot show this: its swapping loop ends with the
// turn, before the snapshot, so there every output is stable when it is opened. Here the swap falls
// exactly between the snapshot and the open, deterministically.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { changedFiles, plannedOutputs, snapshotWorkspace, uploadOutputs, type OutputWriter } from '../../../shared/processor/output-files.js';

const SECRET = 'host-secret-4f1c';
const root = mkdtempSync(path.join(os.tmpdir(), 'swap-after-snapshot-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Just enough of the run's writer: what each upload was given, read to the end. */
function capturingBlobs(): { blobs: OutputWriter; uploaded: Map<string, string> } {
  const uploaded = new Map<string, string>();
  const put = async (_bucket: string, name: string, open: () => Readable) => {
    const chunks: Buffer[] = [];
    for await (const c of open()) chunks.push(c as Buffer);
    uploaded.set(name.replace(/^jobs\/j1\/outputs\//, ''), Buffer.concat(chunks).toString('utf8'));
  };
  return { blobs: { put }, uploaded };
}

test('outputs swapped between the snapshot and the upload (a link to a secret, another file renamed over one) are skipped, never read', async () => {
  const workspace = path.join(root, 'workspace');
  const host = path.join(root, 'host-secret.txt');
  writeFileSync(host, SECRET);
  mkdirSync(workspace);
  for (const name of ['link.txt', 'renamed.txt', 'stable.txt']) writeFileSync(path.join(workspace, name), 'plain');
  const seen = await snapshotWorkspace(workspace);
  const planned = plannedOutputs('outputs', 'j1', changedFiles(new Map(), seen), seen);

  // What a process that outlived the turn could do after the snapshot.
  unlinkSync(path.join(workspace, 'link.txt'));
  symlinkSync(host, path.join(workspace, 'link.txt'));
  writeFileSync(path.join(workspace, 'other.tmp'), SECRET);
  renameSync(path.join(workspace, 'other.tmp'), path.join(workspace, 'renamed.txt'));

  const { blobs, uploaded } = capturingBlobs();
  const skipped = await uploadOutputs(blobs, 'outputs', 'j1', workspace, planned, seen);
  for (const [name, text] of uploaded) assert.ok(!text.includes(SECRET), `${name} was uploaded with the secret`);
  assert.deepEqual(skipped.sort(), ['link.txt', 'renamed.txt']);
  assert.deepEqual([...uploaded.keys()], ['stable.txt']);
  assert.equal(uploaded.get('stable.txt'), 'plain');
});
