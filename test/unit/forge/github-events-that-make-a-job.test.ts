// Which GitHub deliveries make a job, on the real payloads of @octokit/webhooks-examples: a created
// comment starting with the phrase by an owner, member or collaborator, or an issue labeled with the
// trigger label, in a mapped repository. Everything else is ignored with a reason.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../../shared/config.js';
import { filterEvent, textAfterPhrase } from '../../../shared/forge/trigger-filter.js';
import { examplePayload } from '../../support/github-webhooks.js';

const config = parseConfig({ API_KEYS: 'alice:alice-key,bob:bob-key', GITHUB_REPOS: 'Codertocat/Hello-World=alice,octo-org/*=bob' });

function comment(body: string, association = 'COLLABORATOR') {
  const p = examplePayload('issue_comment', 'created');
  p.comment.body = body;
  p.comment.author_association = association;
  return p;
}

test('a created issue comment that starts with the phrase, by a collaborator, makes a job for the mapped key', () => {
  const out = filterEvent(config, 'issue_comment', comment('@codex-jobs fix the failing test'));
  assert.ok('trigger' in out, JSON.stringify(out));
  assert.equal(out.trigger.mapping.key, 'alice');
  assert.equal(out.trigger.instruction, 'fix the failing test');
  assert.deepEqual({ kind: out.trigger.target.kind, number: out.trigger.target.number }, { kind: 'issue', number: 1 });
  assert.equal(out.trigger.comment?.id, 492700400);
});

test('OWNER and MEMBER may ask too; CONTRIBUTOR, NONE and FIRST_TIMER may not', () => {
  for (const who of ['OWNER', 'MEMBER', 'COLLABORATOR']) assert.ok('trigger' in filterEvent(config, 'issue_comment', comment('@codex-jobs go', who)), who);
  for (const who of ['CONTRIBUTOR', 'NONE', 'FIRST_TIMER', 'FIRST_TIME_CONTRIBUTOR', 'MANNEQUIN']) {
    const out = filterEvent(config, 'issue_comment', comment('@codex-jobs go', who));
    assert.ok('ignored' in out && /not an owner, member or collaborator/.test(out.ignored), `${who}: ${JSON.stringify(out)}`);
  }
});

test('a comment without the phrase at its start is ignored', () => {
  for (const body of ['please fix this', 'hey @codex-jobs fix it', '@codex-jobsbot fix it', '']) {
    const out = filterEvent(config, 'issue_comment', comment(body));
    assert.ok('ignored' in out && /does not start with @codex-jobs/.test(out.ignored), `${body}: ${JSON.stringify(out)}`);
  }
});

test('the phrase matches in any case, after leading blank lines, followed by punctuation', () => {
  assert.equal(textAfterPhrase('\n  @Codex-Jobs: please fix it  ', '@codex-jobs'), 'please fix it');
  assert.equal(textAfterPhrase('@codex-jobs', '@codex-jobs'), '');
  assert.equal(textAfterPhrase('@codex-jobs\nline two', '@codex-jobs'), 'line two');
});

test('a repository GITHUB_REPOS does not map is ignored; owner/* maps every repository of the owner', () => {
  const foreign = comment('@codex-jobs go');
  foreign.repository.full_name = 'someone-else/Hello-World';
  const out = filterEvent(config, 'issue_comment', foreign);
  assert.ok('ignored' in out && /someone-else\/Hello-World is not mapped/.test(out.ignored));
  const org = comment('@codex-jobs go');
  org.repository.full_name = 'Octo-Org/any-repo';
  const mapped = filterEvent(config, 'issue_comment', org);
  assert.ok('trigger' in mapped && mapped.trigger.mapping.key === 'bob');
});

test('edited and deleted comments, and other events (push, ping, issues opened) are ignored', () => {
  for (const action of ['edited', 'deleted']) {
    const p = examplePayload('issue_comment', action);
    p.comment.body = '@codex-jobs go';
    const out = filterEvent(config, 'issue_comment', p);
    assert.ok('ignored' in out && out.ignored.includes(`issue_comment.${action}`), JSON.stringify(out));
  }
  for (const [event, action] of [['push', undefined], ['ping', undefined], ['issues', 'opened']] as const) {
    const out = filterEvent(config, event, examplePayload(event, action));
    assert.ok('ignored' in out, `${event}: ${JSON.stringify(out)}`);
  }
});

test('a comment on a pull request (issue_comment with issue.pull_request) targets the pull request', () => {
  const p = comment('@codex-jobs rebase please');
  p.issue.pull_request = { url: 'https://api.github.com/repos/Codertocat/Hello-World/pulls/1' };
  const out = filterEvent(config, 'issue_comment', p);
  assert.ok('trigger' in out);
  assert.equal(out.trigger.target.kind, 'pull_request');
  assert.equal(out.trigger.target.pull, undefined, 'the head is looked up: the event does not carry it');
});

test('a created pull request review comment with the phrase makes a job that knows the head, the file and the hunk', () => {
  const p = examplePayload('pull_request_review_comment', 'created');
  p.comment.body = '@codex-jobs use fewer emoji here';
  const out = filterEvent(config, 'pull_request_review_comment', p);
  assert.ok('trigger' in out, JSON.stringify(out));
  assert.equal(out.trigger.target.kind, 'pull_request');
  assert.equal(out.trigger.target.pull?.head.ref, 'changes');
  assert.equal(out.trigger.comment?.path, 'README.md');
  p.comment.author_association = 'NONE';
  assert.ok('ignored' in filterEvent(config, 'pull_request_review_comment', p));
});

test('an issue labeled with TRIGGER_LABEL makes a job; another label does not', () => {
  const p = examplePayload('issues', 'labeled');
  assert.ok('ignored' in filterEvent(config, 'issues', p), 'the example is labeled bug');
  p.label.name = 'codex-jobs';
  const out = filterEvent(config, 'issues', p);
  assert.ok('trigger' in out);
  assert.equal(out.trigger.instruction, '');
  const custom = parseConfig({ API_KEYS: 'alice:k', GITHUB_REPOS: 'Codertocat/Hello-World=alice', TRIGGER_LABEL: 'ai-fix' });
  p.label.name = 'ai-fix';
  assert.ok('trigger' in filterEvent(custom, 'issues', p));
});

test('GITHUB_REPOS names a key of API_KEYS, in owner/repo=keyname form', () => {
  assert.throws(() => parseConfig({ API_KEYS: 'alice:k', GITHUB_REPOS: 'Codertocat/Hello-World=mallory' }), /GITHUB_REPOS.*mallory.*API_KEYS/);
  assert.throws(() => parseConfig({ API_KEYS: 'alice:k', GITHUB_REPOS: 'Hello-World=alice' }), /GITHUB_REPOS/);
  assert.throws(() => parseConfig({ API_KEYS: 'alice:k', GITHUB_REPOS: '*/*=alice' }), /GITHUB_REPOS/);
});
