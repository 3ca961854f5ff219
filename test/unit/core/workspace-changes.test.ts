// Which workspace files a job created or changed: snapshot before, diff after; and their mime types.
import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { changedFiles, contentTypeOf, outputObjectName, snapshotWorkspace } from '../../../shared/processor/output-files.js';

async function workspace(t: TestContext): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'workspace-changes-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function put(dir: string, rel: string, content: string): Promise<void> {
  await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
  await writeFile(path.join(dir, rel), content);
}

describe('snapshotWorkspace / changedFiles', () => {
  it('lists new files, nested ones included, with / separators and sizes', async (t) => {
    const dir = await workspace(t);
    const before = await snapshotWorkspace(dir);
    assert.equal(before.size, 0);
    await put(dir, 'result.md', '# hi\n');
    await put(dir, 'src/deep/er/main.ts', 'export {};\n');
    const after = await snapshotWorkspace(dir);
    assert.deepEqual(changedFiles(before, after), ['result.md', 'src/deep/er/main.ts']);
    assert.equal(after.get('result.md')!.size, 5);
    assert.equal(after.has('src'), false, 'directories are not files');
  });

  it('skips unchanged files and lists changed ones (size or mtime)', async (t) => {
    const dir = await workspace(t);
    await put(dir, 'same.txt', 'same');
    await put(dir, 'grown.txt', 'a');
    await put(dir, 'touched.txt', 'abc');
    const before = await snapshotWorkspace(dir);
    await appendFile(path.join(dir, 'grown.txt'), 'more');
    // Same size, new content and mtime: an in-place rewrite is caught by the mtime.
    const old = await stat(path.join(dir, 'touched.txt'));
    await writeFile(path.join(dir, 'touched.txt'), 'xyz');
    await utimes(path.join(dir, 'touched.txt'), old.atime, new Date(old.mtimeMs + 5000));
    await put(dir, 'new.txt', 'n');
    const after = await snapshotWorkspace(dir);
    assert.deepEqual(changedFiles(before, after), ['grown.txt', 'new.txt', 'touched.txt']);
  });

  it('does not list deleted files', async (t) => {
    const dir = await workspace(t);
    await put(dir, 'gone.txt', 'x');
    const before = await snapshotWorkspace(dir);
    await rm(path.join(dir, 'gone.txt'));
    assert.deepEqual(changedFiles(before, await snapshotWorkspace(dir)), []);
  });

  it('skips the .git folder', async (t) => {
    const dir = await workspace(t);
    const before = await snapshotWorkspace(dir);
    await put(dir, '.git/HEAD', 'ref: refs/heads/main\n');
    await put(dir, '.git/objects/ab/cdef', 'blob');
    await put(dir, '.gitignore', 'node_modules\n');
    await put(dir, 'docs/.github/x.yml', 'a: 1\n');
    const after = await snapshotWorkspace(dir);
    assert.deepEqual(changedFiles(before, after), ['.gitignore', 'docs/.github/x.yml']);
  });

  it('skips .git folders at any depth (a repository cloned into the workspace)', async (t) => {
    const dir = await workspace(t);
    const before = await snapshotWorkspace(dir);
    await put(dir, 'vendor/lib/.git/HEAD', 'ref: refs/heads/main\n');
    await put(dir, 'vendor/lib/.git/objects/ab/cdef', 'blob');
    await put(dir, 'vendor/lib/index.js', 'module.exports = 1;\n');
    const after = await snapshotWorkspace(dir);
    assert.deepEqual(changedFiles(before, after), ['vendor/lib/index.js']);
  });

  it('never lists symlinks, whether to files, folders or outside the workspace', async (t) => {
    const dir = await workspace(t);
    const outside = await workspace(t);
    await put(outside, 'secret.txt', 'top secret');
    await put(dir, 'real.txt', 'r');
    await put(dir, 'folder/inner.txt', 'i');
    const before = new Map();
    await symlink(path.join(dir, 'real.txt'), path.join(dir, 'link-to-file'));
    await symlink(path.join(dir, 'folder'), path.join(dir, 'link-to-dir'));
    await symlink(path.join(outside, 'secret.txt'), path.join(dir, 'escape.txt'));
    await symlink(outside, path.join(dir, 'escape-dir'));
    await symlink(path.join(dir, 'nowhere'), path.join(dir, 'dangling'));
    const after = await snapshotWorkspace(dir);
    assert.deepEqual(changedFiles(before, after), ['folder/inner.txt', 'real.txt']);
  });

  it('keeps names with spaces and unicode', async (t) => {
    const dir = await workspace(t);
    const before = await snapshotWorkspace(dir);
    await put(dir, 'my report.md', 'x');
    await put(dir, 'données/été 日本.txt', 'y');
    await put(dir, 'emoji 🚀.json', '{}');
    const after = await snapshotWorkspace(dir);
    assert.deepEqual(changedFiles(before, after), ['données/été 日本.txt', 'emoji 🚀.json', 'my report.md']);
  });
});

describe('contentTypeOf', () => {
  it('maps known extensions and falls back to octet-stream', () => {
    assert.equal(contentTypeOf('result.md'), 'text/markdown');
    assert.equal(contentTypeOf('dir/data.json'), 'application/json');
    assert.equal(contentTypeOf('chart.png'), 'image/png');
    assert.equal(contentTypeOf('index.html'), 'text/html');
    assert.equal(contentTypeOf('notes.txt'), 'text/plain');
    assert.equal(contentTypeOf('Makefile'), 'application/octet-stream');
    assert.equal(contentTypeOf('blob.zzzunknown'), 'application/octet-stream');
  });
});

describe('outputObjectName', () => {
  it('puts outputs under jobs/{job_id}/outputs/', () => {
    assert.equal(outputObjectName('j-1', 'src/a b.md'), 'jobs/j-1/outputs/src/a b.md');
  });
});
