// The shortest path on a real git repository: `submit --dir . --wait` uploads the folder (without
// what .gitignore excludes), the job fixes a file, `diff` prints the patch and `apply` applies it
// with git apply --3way and says what it did.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Stack } from '../../../dev/stack.js';
import { cliHome, runCli, startClientStack, type CliHome } from './client-stack.js';

let stack: Stack;
let home: CliHome;
let repo: string;
const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });

before(async () => {
  home = cliHome();
  repo = mkdtempSync(path.join(os.tmpdir(), 'apply-repo-'));
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'dev@example.com');
  git('config', 'user.name', 'Dev');
  writeFileSync(path.join(repo, 'calc.js'), 'export function add(a, b) {\n  return a - b;\n}\n');
  writeFileSync(path.join(repo, '.gitignore'), 'secret.txt\n');
  writeFileSync(path.join(repo, 'secret.txt'), 'do not upload\n');
  git('add', '.');
  git('commit', '-q', '-m', 'add with a bug');
  stack = await startClientStack();
  home.writeConfig({ default: { url: stack.apiUrl, api_key: stack.devApiKey } });
});
after(async () => {
  await stack?.stop();
  home?.remove();
  rmSync(repo, { recursive: true, force: true });
});

test('submit --dir . --wait, then diff and apply into the repository', async () => {
  const prompt = "Fix the failing test [[cmd:sed -i 's/a - b/a + b/' calc.js]] [[cmd:ls -a > listing.txt]] [[final:Fixed add.]]";
  const submitted = await runCli(['-o', 'json', 'submit', '--dir', '.', '--wait', prompt], { home: home.home, cwd: repo });
  assert.equal(submitted.code, 0, submitted.stdout + submitted.stderr);
  assert.match(submitted.stderr, /uploaded 2 file\(s\)/, 'calc.js and .gitignore, not secret.txt');
  const job = JSON.parse(submitted.stdout) as { job_id: string; status: string };
  assert.equal(job.status, 'completed');

  const diff = await runCli(['diff', job.job_id], { home: home.home, cwd: repo });
  assert.equal(diff.code, 0, diff.stderr);
  assert.match(diff.stdout, /^diff --git a\/calc\.js b\/calc\.js/m);
  assert.match(diff.stdout, /^\+ {2}return a \+ b;/m);
  assert.doesNotMatch(diff.stdout, /secret/);

  const applied = await runCli(['apply', job.job_id], { home: home.home, cwd: repo });
  assert.equal(applied.code, 0, applied.stdout + applied.stderr);
  assert.match(applied.stdout, new RegExp(`applied job ${job.job_id} to .* with git apply --3way: 2 file\\(s\\)`));
  assert.match(applied.stdout, /calc\.js \+1 −1/);
  assert.equal(readFileSync(path.join(repo, 'calc.js'), 'utf8'), 'export function add(a, b) {\n  return a + b;\n}\n');
  assert.ok(existsSync(path.join(repo, 'listing.txt')));
  assert.doesNotMatch(readFileSync(path.join(repo, 'listing.txt'), 'utf8'), /secret\.txt/, 'the ignored file never reached the job');
  assert.deepEqual(git('diff', '--cached', '--name-only').trim().split('\n').sort(), ['calc.js', 'listing.txt']);

  // On a repository where the same line changed another way, --3way leaves conflict markers: exit 1, named files.
  git('commit', '-q', '-m', 'job changes');
  git('reset', '-q', '--hard', 'HEAD~1');
  writeFileSync(path.join(repo, 'calc.js'), 'export function add(a, b) {\n  return b - a;\n}\n');
  git('commit', '-q', '-am', 'another change');
  const conflicted = await runCli(['apply', job.job_id], { home: home.home, cwd: repo });
  assert.equal(conflicted.code, 1, conflicted.stdout + conflicted.stderr);
  assert.match(conflicted.stdout, /with conflicts in 1 file\(s\): calc\.js/);
  assert.match(readFileSync(path.join(repo, 'calc.js'), 'utf8'), /^<<<<<<< /m);
  assert.doesNotMatch(conflicted.stderr, /at .*\.js:\d+/, 'no stack trace');

  // Outside a repository: a usage error naming what to do.
  const outside = mkdtempSync(path.join(os.tmpdir(), 'not-a-repo-'));
  try {
    const r = await runCli(['apply', job.job_id], { home: home.home, cwd: outside });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not in a git repository/);
  } finally {
    rmSync(outside, { recursive: true, force: true });
  }

  // outputs -D downloads the job's files with a progress line.
  const dest = path.join(home.home, 'downloads');
  const outputs = await runCli(['outputs', job.job_id, '-D', dest], { home: home.home });
  assert.equal(outputs.code, 0, outputs.stderr);
  assert.match(outputs.stderr, /downloading 1\/\d+ /);
  assert.equal(readFileSync(path.join(dest, 'calc.js'), 'utf8'), 'export function add(a, b) {\n  return a + b;\n}\n');
});
