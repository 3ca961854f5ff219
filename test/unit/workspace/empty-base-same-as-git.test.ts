// An empty workspace's base is written from a template instead of by git for each job. It must be
// the repository git makes: the same base commit and tree, a working repository for the agent, and
// changes computed against it exactly as against one made by git.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { initFreshRepository, recordBase, trackingRepo } from '../../../shared/workspace/base-commit.js';
import { collectChanges } from '../../../shared/workspace/collect-changes.js';
import { writeEmptyBase } from '../../../shared/workspace/empty-base.js';

function jobRoot(t: { after(fn: () => void): void }) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'empty-base-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const workspace = path.join(root, 'workspace');
  mkdirSync(workspace, { mode: 0o700 });
  return { root, workspace, repo: trackingRepo(root, workspace) };
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: cwd, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' } }).trim();

test('the template base is the one git makes: same commit and tree, recorded in the tracking repository', async (t) => {
  const byGit = jobRoot(t);
  await initFreshRepository(byGit.workspace, byGit.repo.home);
  const expected = await recordBase(byGit.repo, 'empty', {}, { trustedIndex: true });
  const fromTemplate = jobRoot(t);
  const base = await writeEmptyBase(fromTemplate.repo);
  assert.deepEqual(base, expected);
  assert.equal(git(fromTemplate.workspace, 'rev-parse', 'HEAD'), expected.base.commit);
  assert.equal(git(fromTemplate.workspace, 'config', 'user.name'), 'Codex', 'the agent has an identity for its own commits');
  assert.equal(git(fromTemplate.workspace, '--git-dir', fromTemplate.repo.gitDir, 'rev-parse', 'refs/codex-jobs/base'), expected.base.commit);
  assert.equal(git(fromTemplate.workspace, 'fsck', '--strict'), '');
});

test('changes against the template base are the ones against a base made by git (the agent committing included)', async (t) => {
  const patches: string[] = [];
  for (const make of ['git', 'template'] as const) {
    const r = jobRoot(t);
    let base;
    if (make === 'git') {
      await initFreshRepository(r.workspace, r.repo.home);
      base = await recordBase(r.repo, 'empty', {}, { trustedIndex: true });
    } else base = (await writeEmptyBase(r.repo))!;
    writeFileSync(path.join(r.workspace, 'hello.txt'), 'hello\n');
    git(r.workspace, 'add', 'hello.txt');
    git(r.workspace, 'commit', '-qm', 'agent commit');
    writeFileSync(path.join(r.workspace, 'more.txt'), 'more\n');
    const changes = await collectChanges(r.repo, base, path.join(r.root, 'changes.patch'));
    assert.deepEqual(changes.files.map((f) => [f.path, f.change]), [['hello.txt', 'added'], ['more.txt', 'added']]);
    assert.deepEqual(changes.stats, { files_changed: 2, insertions: 2, deletions: 0 });
    patches.push(readFileSync(changes.patchFile, 'utf8'));
  }
  assert.equal(patches[0], patches[1]);
});

test('a workspace that is not empty, or not the job layout, is left to git (null)', async (t) => {
  const r = jobRoot(t);
  writeFileSync(path.join(r.workspace, 'x.txt'), 'x');
  assert.equal(await writeEmptyBase(r.repo), null);
  const other = jobRoot(t);
  assert.equal(await writeEmptyBase({ ...other.repo, gitDir: path.join(other.root, 'elsewhere.git') }), null);
});
