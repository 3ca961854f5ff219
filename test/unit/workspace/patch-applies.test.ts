// The base and the changes with a real git: `git apply` of changes.patch to a copy of the starting
// files gives exactly the final files, for text, binary, deleted, renamed and mode-changed files and
// for an empty change; the summary names each change; the agent's own index is left alone.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { initFreshRepository, recordBase, trackingRepo } from '../../../shared/workspace/base-commit.js';
import { collectChanges } from '../../../shared/workspace/collect-changes.js';
import { copyWithoutGit, readTree } from '../../support/tree-compare.js';

async function jobRoot(t: TestContext) {
  const root = await mkdtemp(path.join(os.tmpdir(), 'patch-applies-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const workspace = path.join(root, 'workspace');
  await mkdir(workspace);
  return { root, workspace, repo: trackingRepo(root, workspace) };
}

async function put(dir: string, rel: string, content: string | Buffer, mode?: number) {
  await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
  await writeFile(path.join(dir, rel), content);
  if (mode !== undefined) await chmod(path.join(dir, rel), mode);
}

function applyPatch(dir: string, patch: string) {
  execFileSync('git', ['apply', '--binary', '--whitespace=nowarn', patch], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, GIT_CONFIG_NOSYSTEM: '1' } });
}

const binary = (seed: number, size: number) => Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + seed * 7) % 256));

test('git apply of the patch to a copy of the input gives exactly the final files (text, binary, deleted, renamed, mode)', async (t) => {
  const { root, workspace, repo } = await jobRoot(t);
  await put(workspace, 'README.md', '# project\n\nline two\n');
  await put(workspace, 'src/math.ts', 'export const add = (a: number, b: number) => a - b;\n');
  await put(workspace, 'img/logo.bin', binary(1, 4096));
  await put(workspace, 'old/name.txt', 'a file that will move\n'.repeat(20));
  await put(workspace, 'gone.txt', 'delete me\n');
  await put(workspace, 'run.sh', '#!/bin/sh\necho hi\n', 0o644);
  await put(workspace, '.gitignore', 'build/\n');
  const input = await copyWithoutGit(workspace);
  t.after(() => input.remove());

  await initFreshRepository(workspace, repo.home);
  const base = await recordBase(repo, 'upload', {}, { trustedIndex: true });
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: workspace }).toString().trim();
  assert.equal(base.base.commit, head, 'the base commit is the workspace repository HEAD');
  const agentIndex = await readFile(path.join(workspace, '.git', 'index'));

  // The agent's work: every kind of change, and an ignored build output.
  await put(workspace, 'src/math.ts', 'export const add = (a: number, b: number) => a + b;\n');
  await put(workspace, 'img/logo.bin', binary(2, 5000));
  await put(workspace, 'img/new.bin', binary(3, 300));
  await put(workspace, 'src/new.ts', 'export {};\n');
  await mkdir(path.join(workspace, 'new'), { recursive: true });
  await rename(path.join(workspace, 'old/name.txt'), path.join(workspace, 'new/name.txt'));
  await unlink(path.join(workspace, 'gone.txt'));
  await chmod(path.join(workspace, 'run.sh'), 0o755);
  await put(workspace, 'build/out.js', 'ignored');

  const changes = await collectChanges(repo, base, path.join(root, 'changes.patch'));
  const byPath = new Map(changes.files.map((f) => [f.path, f]));
  assert.equal(byPath.get('src/math.ts')?.change, 'modified');
  assert.equal(byPath.get('img/logo.bin')?.change, 'modified');
  assert.equal(byPath.get('img/new.bin')?.change, 'added');
  assert.equal(byPath.get('img/new.bin')?.size_bytes, 300);
  assert.equal(byPath.get('src/new.ts')?.change, 'added');
  assert.deepEqual(byPath.get('new/name.txt'), { path: 'new/name.txt', change: 'renamed', old_path: 'old/name.txt', size_bytes: 440 });
  assert.equal(byPath.get('gone.txt')?.change, 'deleted');
  assert.equal(byPath.get('run.sh')?.change, 'modified');
  assert.equal(byPath.has('build/out.js'), false, '.gitignore is respected');
  assert.equal(changes.stats.files_changed, changes.files.length);
  assert.equal(changes.stats.insertions, 2, 'src/math.ts and src/new.ts each add one line (binary files count as neither)');
  assert.equal(changes.stats.deletions, 2, 'src/math.ts loses one line and gone.txt one');

  applyPatch(input.dir, path.join(root, 'changes.patch'));
  const expected = await readTree(workspace);
  expected.delete('build/out.js');
  assert.deepEqual(await readTree(input.dir), expected);
  assert.deepEqual(await readFile(path.join(workspace, '.git', 'index')), agentIndex, "the agent's index is untouched");
});

test("the agent's own commits are part of the changes", async (t) => {
  const { root, workspace, repo } = await jobRoot(t);
  await put(workspace, 'a.txt', 'one\n');
  const input = await copyWithoutGit(workspace);
  t.after(() => input.remove());
  await initFreshRepository(workspace, repo.home);
  const base = await recordBase(repo, 'upload', {}, { trustedIndex: true });
  await put(workspace, 'a.txt', 'two\n');
  await put(workspace, 'b.txt', 'committed by the agent\n');
  const env = { PATH: process.env.PATH, HOME: root, GIT_CONFIG_NOSYSTEM: '1' };
  execFileSync('git', ['add', '-A'], { cwd: workspace, env });
  execFileSync('git', ['commit', '-qm', 'agent work'], { cwd: workspace, env });
  await put(workspace, 'c.txt', 'left uncommitted\n');
  const changes = await collectChanges(repo, base, path.join(root, 'changes.patch'));
  assert.deepEqual(changes.files.map((f) => `${f.change}:${f.path}`).sort(), ['added:b.txt', 'added:c.txt', 'modified:a.txt']);
  applyPatch(input.dir, path.join(root, 'changes.patch'));
  assert.deepEqual(await readTree(input.dir), await readTree(workspace));
});

test('no change: an empty patch and an empty summary', async (t) => {
  const { root, workspace, repo } = await jobRoot(t);
  await put(workspace, 'same.txt', 'same\n');
  await initFreshRepository(workspace, repo.home);
  const base = await recordBase(repo, 'upload', {}, { trustedIndex: true });
  const changes = await collectChanges(repo, base, path.join(root, 'changes.patch'));
  assert.deepEqual(changes.files, []);
  assert.deepEqual(changes.stats, { files_changed: 0, insertions: 0, deletions: 0 });
  assert.equal(changes.patchBytes, 0);
  assert.equal((await readFile(path.join(root, 'changes.patch'))).length, 0);
});

test('an empty workspace gets a repository with an empty base commit, and the same input the same base commit', async (t) => {
  const a = await jobRoot(t);
  await initFreshRepository(a.workspace, a.repo.home);
  const baseA = await recordBase(a.repo, 'empty', {}, { trustedIndex: true });
  const b = await jobRoot(t);
  await initFreshRepository(b.workspace, b.repo.home);
  const baseB = await recordBase(b.repo, 'empty', {}, { trustedIndex: true });
  assert.match(baseA.base.commit, /^[0-9a-f]{40}$/);
  assert.equal(baseA.base.commit, baseB.base.commit, 'fixed author and date: the same starting files give the same commit');
  await put(a.workspace, 'hello.py', 'print("hello")\n');
  const changes = await collectChanges(a.repo, baseA, path.join(a.root, 'changes.patch'));
  assert.deepEqual(changes.files, [{ path: 'hello.py', change: 'added', size_bytes: 15 }]);
});

test("a repository config written by the agent is never run by the processor's git (hooks, fsmonitor, filters)", async (t) => {
  const { root, workspace, repo } = await jobRoot(t);
  await put(workspace, 'a.txt', 'one\n');
  await initFreshRepository(workspace, repo.home);
  const base = await recordBase(repo, 'upload', {}, { trustedIndex: true });
  const marker = path.join(root, 'pwned');
  const cfg = `\n[core]\n\tfsmonitor = touch ${marker}-fsmonitor\n\thooksPath = .githooks\n[filter "evil"]\n\tclean = touch ${marker}-filter\n\tsmudge = touch ${marker}-smudge\n[diff "evil"]\n\ttextconv = touch ${marker}-textconv\n`;
  await writeFile(path.join(workspace, '.git', 'config'), cfg, { flag: 'a' });
  await put(workspace, '.gitattributes', '* filter=evil diff=evil\n');
  await put(workspace, '.githooks/pre-commit', `#!/bin/sh\ntouch ${marker}-hook\n`, 0o755);
  await put(workspace, 'a.txt', 'two\n');
  const changes = await collectChanges(repo, base, path.join(root, 'changes.patch'));
  assert.ok(changes.files.some((f) => f.path === 'a.txt'));
  for (const suffix of ['fsmonitor', 'filter', 'smudge', 'textconv', 'hook']) {
    await assert.rejects(readFile(`${marker}-${suffix}`), { code: 'ENOENT' }, `${suffix} ran`);
  }
});
