// A bad `workspace` names its bad field: the union of {upload_id} and {git} used to answer
// "workspace: Invalid input" when a value had the wrong type (depth: true, url: 5), since no branch
// of the union got far enough for zod to pick it. Found by the hostile suite's git entry point.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeIssues, JobRequestSchema } from '../../../shared/jobs/job-request.js';

const issues = (workspace: unknown) => {
  const parsed = JobRequestSchema.safeParse({ prompt: 'p', workspace });
  assert.equal(parsed.success, false);
  return describeIssues(parsed.error!);
};

test('a wrong type inside workspace.git or workspace.upload_id names that field', () => {
  assert.deepEqual(issues({ git: { url: 'https://git.example.com/r.git', depth: true } }).map((i) => i.field), ['workspace.git.depth']);
  assert.deepEqual(issues({ git: { url: 'https://git.example.com/r.git', depth: 1.5 } }).map((i) => i.field), ['workspace.git.depth']);
  assert.deepEqual(issues({ git: { url: 5 } }).map((i) => i.field), ['workspace.git.url']);
  assert.deepEqual(issues({ git: 'https://git.example.com/r.git' }).map((i) => i.field), ['workspace.git']);
  assert.deepEqual(issues({ upload_id: 5 }).map((i) => i.field), ['workspace.upload_id']);
});

test('a workspace of neither shape says which shapes there are', () => {
  for (const w of [{}, 'x', { git: { url: 'https://git.example.com/r.git' }, upload_id: 'abcdefgh' }]) {
    const [only, ...more] = issues(w);
    assert.equal(more.length, 0);
    assert.equal(only!.field, 'workspace');
    assert.match(only!.message, /upload_id.*or.*git/);
  }
});
