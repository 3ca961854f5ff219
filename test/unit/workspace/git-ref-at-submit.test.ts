// workspace.git.ref is refused at submit when git would refuse it. Before, only spaces, ~^:?*[\ and
// a leading - were refused: a NUL byte passed (spawn() then threw, and the job failed as `internal`)
// and `a..b`, `x.lock`, `@{` passed to a network ls-remote that could only fail. Real git is the
// oracle (`git check-ref-format refs/heads/<ref>`, the name the processor asks for): what the schema
// accepts git accepts, and what it refuses git refuses too, but for two stricter rules of ours.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { describeIssues, JobRequestSchema } from '../../../shared/jobs/job-request.js';

const refused = ['a\u0000b', 'a\u0001b', 'a\u007fb', 'a\tb', 'a b', 'a..b', '../../etc', 'a@{1}', '@', 'x.lock', 'a/b.lock/c', 'a/', '/a', 'a//b', '.hidden', 'a/.b', 'a.', 'a~1', 'a^', 'a:b', 'a?', 'a*', 'a[', 'a\\b', '-x', '--upload-pack=touch /tmp/x'];
const accepted = ['main', 'v1.2.3', 'feature/x-y', 'release/2024.01', 'a@b', 'HEAD', 'é', 'a'.repeat(40), '0123456789abcdef0123456789abcdef01234567'];

const refFields = (ref: string) => {
  const parsed = JobRequestSchema.safeParse({ prompt: 'p', workspace: { git: { url: 'https://git.example.com/r.git', ref } } });
  return parsed.success ? [] : describeIssues(parsed.error).map((d) => d.field);
};

function gitAccepts(ref: string): boolean {
  if (ref.includes('\u0000')) return false; // not even an argument git can be given
  try {
    execFileSync('git', ['check-ref-format', `refs/heads/${ref}`], { stdio: 'ignore', env: { PATH: process.env.PATH ?? '' } });
    return true;
  } catch {
    return false;
  }
}

test('refs git refuses are a 400 naming workspace.git.ref at submit', () => {
  for (const ref of refused) assert.deepEqual(refFields(ref), ['workspace.git.ref'], `accepted ref ${JSON.stringify(ref)}`);
});

test('branch, tag and commit names stay accepted, and git accepts each of them too', () => {
  for (const ref of accepted) {
    assert.deepEqual(refFields(ref), [], `refused ref ${JSON.stringify(ref)}`);
    assert.ok(gitAccepts(ref), `git refuses ${JSON.stringify(ref)}`);
  }
});

test('every refused ref is one git refuses too, but for a leading - (an option) and a bare @ (HEAD)', () => {
  for (const ref of refused) assert.ok(!gitAccepts(ref) || ref.startsWith('-') || ref === '@', `git accepts ${JSON.stringify(ref)}`);
});
