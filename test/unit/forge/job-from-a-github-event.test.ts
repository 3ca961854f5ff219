// The job a GitHub trigger makes: the repository's default branch and a pull request that closes
// the issue; a pull request's own branch (same repository) or a new pull request (a fork); one
// session per issue or pull request; a pull request a job opened continues that job's session;
// job_id derived from the delivery id. Every request passes the API's own JobRequest schema.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../../shared/config.js';
import { githubJobId, githubSessionId, jobFromEvent } from '../../../shared/forge/job-from-event.js';
import { filterEvent, type Trigger } from '../../../shared/forge/trigger-filter.js';
import { jobRequestSchema } from '../../../shared/jobs/job-request.js';
import { timeoutLimits } from '../../../shared/jobs/job-lane.js';
import { examplePayload } from '../../support/github-webhooks.js';

const config = parseConfig({ API_KEYS: 'alice:alice-key', GITHUB_REPOS: 'Codertocat/Hello-World=alice' });
const schema = jobRequestSchema(timeoutLimits(config));

function triggerOf(event: string, payload: unknown): Trigger {
  const out = filterEvent(config, event, payload);
  assert.ok('trigger' in out, JSON.stringify(out));
  return out.trigger;
}

function issueComment(body: string, onPull = false) {
  const p = examplePayload('issue_comment', 'created');
  p.comment.body = body;
  if (onPull) p.issue.pull_request = { url: 'https://api.github.com/repos/Codertocat/Hello-World/pulls/1' };
  return triggerOf('issue_comment', p);
}

const pullHead = (headRepo: string) => ({ number: 1, title: 'Update the README', body: 'More emoji', head: { ref: 'changes', sha: 'a'.repeat(40), repo: { full_name: headRepo } }, base: { ref: 'master' } });

test('an issue comment: the default branch, a pull request that closes the issue, the issue session, the contract metadata', () => {
  const job = jobFromEvent({ trigger: issueComment('@codex-jobs fix the failing test'), deliveryId: 'd-1', timeoutMs: 300_000 });
  const req = schema.parse(job.request);
  assert.equal(job.owner, 'alice');
  assert.equal(job.jobId, githubJobId('d-1'));
  assert.deepEqual(req.workspace, { git: { url: 'https://github.com/Codertocat/Hello-World.git', ref: 'master' } });
  assert.match(String((req.delivery?.pull_request as { body: string }).body), /^Closes #1\b/);
  assert.equal(req.session_id, githubSessionId('Codertocat/Hello-World', 1));
  assert.deepEqual(req.metadata, { forge: 'github', repository: 'Codertocat/Hello-World', issue: '1', delivery_id: 'd-1' });
  assert.ok(req.prompt.startsWith('fix the failing test\n'), req.prompt);
  assert.match(req.prompt, /Spelling error in the README file/);
  assert.match(req.prompt, /accidently spelled 'commit'/);
});

test('the same delivery id derives the same job_id; another delivery another; the session is per repository and number', () => {
  assert.equal(githubJobId('72d3162e-cc78-11e3-81ab-4c9367dc0958'), githubJobId('72d3162e-cc78-11e3-81ab-4c9367dc0958'));
  assert.notEqual(githubJobId('a'), githubJobId('b'));
  assert.match(githubJobId('a'), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(githubSessionId('Codertocat/Hello-World', 1), githubSessionId('codertocat/hello-world', 1), 'GitHub names are case-insensitive');
  assert.notEqual(githubSessionId('Codertocat/Hello-World', 1), githubSessionId('Codertocat/Hello-World', 2));
  assert.match(githubSessionId('Codertocat/Hello-World', 1), /^[A-Za-z0-9_-]{1,128}$/);
});

test("a comment on a same-repository pull request: its head branch, and a push to that branch", () => {
  const job = jobFromEvent({ trigger: issueComment('@codex-jobs tidy up', true), deliveryId: 'd-2', pull: pullHead('Codertocat/Hello-World'), timeoutMs: 300_000 });
  const req = schema.parse(job.request);
  assert.deepEqual(req.workspace, { git: { url: 'https://github.com/Codertocat/Hello-World.git', ref: 'changes' } });
  assert.deepEqual(req.delivery, { branch: 'changes' });
  assert.deepEqual(req.metadata, { forge: 'github', repository: 'Codertocat/Hello-World', pull_request: '1', delivery_id: 'd-2' });
  assert.equal(req.session_id, githubSessionId('Codertocat/Hello-World', 1));
});

test("a comment on a fork's pull request: its head commit from the base repository, and a new pull request against its base", () => {
  const job = jobFromEvent({ trigger: issueComment('@codex-jobs tidy up', true), deliveryId: 'd-3', pull: pullHead('forker/Hello-World'), timeoutMs: 300_000 });
  const req = schema.parse(job.request);
  assert.deepEqual(req.workspace, { git: { url: 'https://github.com/Codertocat/Hello-World.git', ref: 'a'.repeat(40) } });
  assert.equal(req.delivery?.branch, undefined, 'a new branch of our own (the default)');
  assert.equal((req.delivery?.pull_request as { base: string }).base, 'master');
});

test('a pull request a job opened continues that job session, and its delivery carries on unnamed; a link of another owner is not followed', () => {
  const trigger = issueComment('@codex-jobs also update the docs', true);
  const linked = schema.parse(jobFromEvent({ trigger, deliveryId: 'd-4', pull: pullHead('Codertocat/Hello-World'), link: { owner: 'alice', session_id: 'gh-issue-session' }, timeoutMs: 300_000 }).request);
  assert.equal(linked.session_id, 'gh-issue-session');
  assert.equal(linked.delivery, undefined);
  const other = schema.parse(jobFromEvent({ trigger, deliveryId: 'd-5', pull: pullHead('Codertocat/Hello-World'), link: { owner: 'bob', session_id: 'gh-issue-session' }, timeoutMs: 300_000 }).request);
  assert.equal(other.session_id, githubSessionId('Codertocat/Hello-World', 1));
  assert.deepEqual(other.delivery, { branch: 'changes' });
});

test('a review comment: the prompt names the file and carries the diff hunk; a labeled issue asks to resolve it', () => {
  const p = examplePayload('pull_request_review_comment', 'created');
  p.comment.body = '@codex-jobs use fewer emoji';
  const trigger = triggerOf('pull_request_review_comment', p);
  const req = schema.parse(jobFromEvent({ trigger, deliveryId: 'd-6', ...(trigger.target.pull ? { pull: trigger.target.pull } : {}), timeoutMs: 300_000 }).request);
  assert.match(req.prompt, /^use fewer emoji\n/);
  assert.match(req.prompt, /README\.md/);
  assert.match(req.prompt, /```diff\n@@/);
  const labeled = examplePayload('issues', 'labeled');
  labeled.label.name = 'codex-jobs';
  const fromLabel = schema.parse(jobFromEvent({ trigger: triggerOf('issues', labeled), deliveryId: 'd-7', timeoutMs: 300_000 }).request);
  assert.match(fromLabel.prompt, /^Resolve issue #1\./);
});

test('a very long issue body is clipped so the prompt stays within the JobRequest limit', () => {
  const p = examplePayload('issue_comment', 'created');
  p.comment.body = '@codex-jobs go';
  p.issue.body = 'x'.repeat(200_000);
  const req = schema.safeParse(jobFromEvent({ trigger: triggerOf('issue_comment', p), deliveryId: 'd-8', timeoutMs: 300_000 }).request);
  assert.ok(req.success, JSON.stringify(req.error?.issues));
  assert.match(req.data.prompt, /more characters left out/);
});
