// When a GitHub-started job ends, the notifier's call (forgeJobEnded) edits the reply comment to show
// the status, the summary and the pull request its delivery opened, and links that pull request to
// the job's session: a comment on the pull request then continues the issue's session and names no
// delivery of its own (the session's carries on). A duplicate result edits nothing twice.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forgeJobEnded } from '../../../shared/forge/forge-job-ended.js';
import { ForgeStore } from '../../../shared/forge/forge-store.js';
import { githubSessionId } from '../../../shared/forge/job-from-event.js';
import type { JobDocument } from '../../../shared/jobs/job-document.js';
import { resultMessageFromJob } from '../../../shared/jobs/result-message.js';
import { createLogger } from '../../../shared/logging.js';
import { ISSUE, startForgeIntake, type ForgeIntake } from './support/forge-intake.js';

let f: ForgeIntake;
before(async () => {
  f = await startForgeIntake();
});
after(() => f?.close());

function ended(job: JobDocument, pull: { number: number; url: string }): JobDocument {
  return {
    ...job,
    status: 'completed',
    completed_at: new Date().toISOString(),
    result: {
      exit_code: 0,
      final_message: 'Fixed the subtraction in add().',
      stdout: '',
      stderr: '',
      execution_time_ms: 1200,
      output_files: [],
      created_files: [],
      usage: { input_tokens: 10, cached_input_tokens: 0, output_tokens: 5, reasoning_output_tokens: 0, total_tokens: 15 },
      thread_id: 't-1',
      delivery: { state: 'opened', branch: 'feature', commit: 'c'.repeat(40), pull_request: pull },
    },
  };
}

test('the reply shows the end and the pull request; a comment on that pull request continues the issue session', async () => {
  const res = await f.post(f.signed('issue_comment', f.issueComment('@codex-jobs fix the failing test')));
  assert.equal(res.status, 202, JSON.stringify(res.body));
  const job = (await f.api.store.get(res.body.job_id!))!;
  // The job's delivery opened a pull request (here the stand-in's, from the fixture's feature branch).
  const number = await f.openPull('feature');
  const pull = { number, url: `${f.world.api.url}/octo/hello/pull/${number}` };
  const deps = { config: f.api.env.config, log: createLogger('ERROR'), firestore: f.api.env.firestore };
  const result = resultMessageFromJob(ended(job, pull));
  await forgeJobEnded(deps, result);

  const [reply] = f.commentsOn('octo/hello', ISSUE);
  assert.match(reply!.body, /\*\*completed\*\*/);
  assert.match(reply!.body, /Fixed the subtraction in add\(\)\./);
  assert.ok(reply!.body.includes(pull.url), reply!.body);
  const link = await new ForgeStore(f.api.env.firestore, 30).pullSession('octo/hello', number);
  assert.deepEqual({ owner: link?.owner, session_id: link?.session_id, job_id: link?.job_id }, { owner: 'alice', session_id: githubSessionId('octo/hello', ISSUE), job_id: job.job_id });

  // A duplicate result (redelivered codex-results message): no second edit.
  const updates = () => f.world.api.requests.filter((r) => r.operationId === 'issues/update-comment').length;
  const before = updates();
  await forgeJobEnded(deps, result);
  assert.equal(updates(), before);

  const followUp = await f.post(f.signed('issue_comment', f.issueComment('@codex-jobs also handle negative numbers', { onPull: number })));
  assert.equal(followUp.status, 202, JSON.stringify(followUp.body));
  const next = (await f.api.store.get(followUp.body.job_id!))!;
  assert.equal(next.session_id, githubSessionId('octo/hello', ISSUE), 'the issue session goes on');
  assert.equal(next.delivery ?? undefined, undefined, "the session's delivery carries on unnamed");
  assert.deepEqual(next.workspace, { git: { url: f.cloneUrl, ref: 'feature' } });
  assert.equal(next.metadata.pull_request, String(number));
  assert.deepEqual(f.world.api.violations, []);
});

test("a job that is not from GitHub (even with GitHub's metadata) costs the notifier nothing; a failed one from GitHub shows its error", async () => {
  const deps = { config: f.api.env.config, log: createLogger('ERROR'), firestore: f.api.env.firestore };
  const calls = f.world.api.requests.length;
  const metadata = { forge: 'github', repository: 'octo/hello', issue: '99', delivery_id: 'made-up' };
  const plain = await f.api.call<{ job_id: string }>('POST', '/jobs', { body: { prompt: 'not from GitHub', metadata } });
  const job = (await f.api.store.get(plain.body.job_id))!;
  await forgeJobEnded(deps, resultMessageFromJob(ended(job, { number: 99, url: `${f.world.api.url}/octo/hello/pull/99` })));
  assert.equal(f.world.api.requests.length, calls);
  assert.equal(await new ForgeStore(f.api.env.firestore, 30).pullSession('octo/hello', 99), null, 'no link to a session from made-up metadata');

  const res = await f.post(f.signed('issue_comment', f.issueComment('@codex-jobs try this', { onPull: await f.openPull('main', 'feature') })));
  const gh = (await f.api.store.get(res.body.job_id!))!;
  await forgeJobEnded(deps, resultMessageFromJob({ ...gh, status: 'failed', completed_at: new Date().toISOString(), error: { code: 'workspace_error', message: 'clone failed' } }));
  const reply = f.commentsOn('octo/hello', Number(gh.metadata.pull_request)).at(-1)!;
  assert.match(reply.body, /\*\*failed\*\*/);
  assert.match(reply.body, /workspace_error.*clone failed/);
});
