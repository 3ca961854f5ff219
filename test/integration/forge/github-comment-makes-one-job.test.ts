// POST /forge/github on the enqueue API, with the real payloads of @octokit/webhooks-examples signed
// here and the GitHub API stand-in (validated against GitHub's OpenAPI description) for the replies:
// a comment with the phrase by a collaborator makes one job and one reply comment, a redelivery
// makes none more; an unsigned or wrongly signed request, a foreign repository, an outside author,
// a comment without the phrase and other events make nothing; the mapped key's quota applies.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ForgeStore } from '../../../shared/forge/forge-store.js';
import { githubJobId, githubSessionId } from '../../../shared/forge/job-from-event.js';
import { examplePayload, githubDelivery } from '../../support/github-webhooks.js';
import { assertResponsesMatchDocument } from '../api/support/openapi-conformance.js';
import { ISSUE, startForgeIntake, type ForgeIntake } from './support/forge-intake.js';

let f: ForgeIntake;
before(async () => {
  f = await startForgeIntake();
});
after(() => f?.close());

test('a comment with the phrase by a collaborator makes one job and one reply; a redelivery answers the same job and makes nothing more', async () => {
  const delivery = f.signed('issue_comment', f.issueComment('@codex-jobs fix the failing test'));
  const first = await f.post(delivery);
  assert.equal(first.status, 202, JSON.stringify(first.body));
  assert.equal(first.body.job_id, githubJobId(delivery.deliveryId));
  const job = await f.api.store.get(first.body.job_id!);
  assert.ok(job);
  assert.equal(job.owner, 'alice');
  assert.equal(job.status, 'queued');
  assert.deepEqual(job.metadata, { forge: 'github', repository: 'octo/hello', issue: String(ISSUE), delivery_id: delivery.deliveryId });
  assert.deepEqual(job.workspace, { git: { url: f.cloneUrl, ref: 'main' } });
  assert.match(String((job.delivery?.pull_request as { body?: string }).body), new RegExp(`^Closes #${ISSUE}\\b`));
  assert.equal(job.session_id, githubSessionId('octo/hello', ISSUE));
  assert.ok(job.prompt.startsWith('fix the failing test'));

  const replies = f.commentsOn('octo/hello', ISSUE);
  assert.equal(replies.length, 1);
  assert.ok(replies[0]!.body.includes(`/jobs/${job.job_id}`), replies[0]!.body);
  assert.ok(replies[0]!.body.includes(`/console#/jobs/${job.job_id}`));
  const record = await new ForgeStore(f.api.env.firestore, 30).getReply(job.job_id);
  assert.equal(record?.comment_id, replies[0]!.id);

  const again = await f.post(delivery);
  assert.equal(again.status, 202);
  assert.equal(again.body.job_id, first.body.job_id);
  assert.equal((await f.jobsOf('alice')).length, 1);
  assert.equal(f.commentsOn('octo/hello', ISSUE).length, 1, 'no second reply');
  assert.deepEqual(f.world.api.violations, []);
});

test('unsigned, wrongly signed and malformed signatures are 401 and make nothing', async () => {
  const before = (await f.jobsOf('alice')).length;
  const d = f.signed('issue_comment', f.issueComment('@codex-jobs fix it'));
  const { 'x-hub-signature-256': _signature, ...unsigned } = d.headers;
  const otherSecret = githubDelivery('issue_comment', JSON.parse(d.body), { secret: 'another-secret' }).headers['x-hub-signature-256']!;
  for (const headers of [unsigned, { ...d.headers, 'x-hub-signature-256': otherSecret }, { ...d.headers, 'x-hub-signature-256': 'sha1=abc' }]) {
    const res = await f.post(d, headers);
    assert.equal(res.status, 401, JSON.stringify(res.body));
    assert.equal(res.body.error?.code, 'unauthorized');
  }
  // Signed for another body: the signature is checked on the bytes received.
  const tampered = await f.post({ ...d, body: d.body.replace('fix it', 'rm it') });
  assert.equal(tampered.status, 401);
  assert.equal((await f.jobsOf('alice')).length, before);
  assert.equal(await f.api.store.get(githubJobId(d.deliveryId)), null);
});

test('a foreign repository, an outside author, a comment without the phrase and other events are 202 {ignored} and make nothing', async () => {
  const before = { jobs: (await f.jobsOf('alice')).length, comments: f.world.api.comments.length };
  const cases: [string, unknown, RegExp][] = [
    ['issue_comment', f.issueComment('@codex-jobs fix it', { repo: 'stranger/hello' }), /stranger\/hello is not mapped/],
    ['issue_comment', f.issueComment('@codex-jobs fix it', { association: 'NONE' }), /not an owner, member or collaborator/],
    ['issue_comment', f.issueComment('could someone fix it?'), /does not start with @codex-jobs/],
    ['issue_comment', { ...f.issueComment('@codex-jobs fix it'), action: 'edited' }, /issue_comment\.edited/],
    ['push', examplePayload('push'), /event push/],
    ['ping', examplePayload('ping'), /event ping/],
    ['issues', examplePayload('issues', 'labeled'), /label bug is not codex-jobs/],
  ];
  for (const [event, payload, reason] of cases) {
    const res = await f.post(f.signed(event, payload));
    assert.equal(res.status, 202, `${event}: ${JSON.stringify(res.body)}`);
    assert.match(res.body.ignored ?? '', reason);
    assert.equal(res.body.job_id, undefined);
  }
  assert.equal((await f.jobsOf('alice')).length, before.jobs);
  assert.equal(f.world.api.comments.length, before.comments);
});

test("over the mapped key's quota: 429 quota_exceeded, no job and no reply", async () => {
  const first = await f.api.call('POST', '/jobs', { key: 'bob-key', body: { prompt: 'the one job of the day' } });
  assert.equal(first.status, 202);
  const res = await f.post(f.signed('issue_comment', f.issueComment('@codex-jobs fix it', { repo: 'octo/quota' })));
  assert.equal(res.status, 429, JSON.stringify(res.body));
  assert.equal(res.body.error?.code, 'quota_exceeded');
  assert.ok(Number(res.headers.get('retry-after')) > 0);
  assert.equal((await f.jobsOf('bob')).length, 1);
  assert.equal(f.commentsOn('octo/quota', ISSUE).length, 0);
});

test('a comment on a same-repository pull request starts from its head branch and pushes to it', async () => {
  const number = await f.openPull('feature');
  const res = await f.post(f.signed('issue_comment', f.issueComment('@codex-jobs tidy this up', { onPull: number })));
  assert.equal(res.status, 202, JSON.stringify(res.body));
  const job = (await f.api.store.get(res.body.job_id!))!;
  assert.deepEqual(job.workspace, { git: { url: f.cloneUrl, ref: 'feature' } });
  assert.deepEqual(job.delivery, { branch: 'feature' });
  assert.deepEqual(job.metadata, { forge: 'github', repository: 'octo/hello', pull_request: String(number), delivery_id: job.metadata.delivery_id });
  assert.equal(job.session_id, githubSessionId('octo/hello', number));
  assert.equal(f.commentsOn('octo/hello', number).length, 1);
  assert.deepEqual(f.world.api.violations, []);
});

test('an issue labeled codex-jobs, and a review comment with the phrase, make jobs too', async () => {
  const labeled = examplePayload('issues', 'labeled');
  Object.assign(labeled.repository, { full_name: 'octo/hello', clone_url: f.cloneUrl, default_branch: 'main' });
  Object.assign(labeled.issue, { number: 43 });
  labeled.label.name = 'codex-jobs';
  const fromLabel = await f.post(f.signed('issues', labeled));
  assert.equal(fromLabel.status, 202, JSON.stringify(fromLabel.body));
  const job = (await f.api.store.get(fromLabel.body.job_id!))!;
  assert.match(job.prompt, /^Resolve issue #43\./);
  assert.equal(job.metadata.issue, '43');
  assert.equal(f.commentsOn('octo/hello', 43).length, 1);

  const review = examplePayload('pull_request_review_comment', 'created');
  Object.assign(review.repository, { full_name: 'octo/hello', clone_url: f.cloneUrl, default_branch: 'main' });
  review.pull_request.head.repo.full_name = 'octo/hello';
  review.pull_request.head.ref = 'feature';
  review.pull_request.number = 44; // the payload carries the head: no lookup
  Object.assign(review.comment, { body: '@codex-jobs use fewer emoji here', author_association: 'MEMBER' });
  const fromReview = await f.post(f.signed('pull_request_review_comment', review));
  assert.equal(fromReview.status, 202, JSON.stringify(fromReview.body));
  const reviewJob = (await f.api.store.get(fromReview.body.job_id!))!;
  assert.match(reviewJob.prompt, /README\.md/);
  assert.deepEqual(reviewJob.delivery, { branch: 'feature' });
  assert.equal(f.commentsOn('octo/hello', review.pull_request.number).length, 1);
  assert.deepEqual(f.world.api.violations, []);
});

test('every answer of POST /forge/github matches the OpenAPI document', async () => {
  assert.ok((await assertResponsesMatchDocument()) >= 1);
});
