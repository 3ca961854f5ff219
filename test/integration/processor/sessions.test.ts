// Sessions: a job with a session_id continues the Codex thread (history) and the workspace files of
// the session's last completed job, kept under gs://RESULTS_BUCKET/sessions/{sha256(owner)}/{id}/. Other sessions
// see nothing of it, and a failed job leaves the session's snapshot as it was.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { JobDocument } from '../../../shared/jobs/job-document.js';
import type { JobRequestInput } from '../../../shared/jobs/job-request.js';
import { sessionPrefix } from '../../../shared/jobs/session-scope.js';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';

let h: ProcessorHarness;
before(async () => {
  h = await processorHarness();
});
after(async () => {
  await h.close();
});

async function run(request: JobRequestInput): Promise<JobDocument> {
  const { job, message } = await h.submit(request);
  assert.deepEqual(await h.deliver(message), { ack: true, reason: 'ran' });
  return (await h.deps.store.get(job.job_id))!;
}

// The harness submits as owner alice.
const prefixOf = (sessionId: string) => sessionPrefix({ owner: 'alice', session_id: sessionId });

async function sessionObjects(sessionId: string): Promise<Map<string, string>> {
  const prefix = prefixOf(sessionId);
  const [files] = await h.env.storage.bucket(h.env.config.RESULTS_BUCKET).getFiles({ prefix });
  // generation and md5 together: a rewrite of any object changes at least one of them
  const versions = files.map((f) => [f.name.slice(prefix.length), `${f.metadata.generation}:${f.metadata.md5Hash}`] as const);
  for (const [name, version] of versions) assert.doesNotMatch(version, /undefined/, `${name} has a generation and an md5`);
  return new Map(versions);
}

async function sessionRecord(sessionId: string): Promise<{ thread_id: string }> {
  const [raw] = await h.env.storage.bucket(h.env.config.RESULTS_BUCKET).file(`${prefixOf(sessionId)}session.json`).download();
  return JSON.parse(raw.toString('utf8')) as { thread_id: string };
}

test('a follow-up job of a session sees the earlier files and the earlier turn; other sessions see neither', async () => {
  const session = `s-${randomUUID().slice(0, 8)}`;
  const prompt1 = `session-one-marker ${session}: remember this [[cmd:echo remember-me > notes.txt]] [[final:noted]]`;
  const job1 = await run({ prompt: prompt1, session_id: session });
  assert.equal(job1.status, 'completed', JSON.stringify(job1.error));
  assert.ok(job1.result?.thread_id, 'job 1 started a thread');
  assert.deepEqual(job1.result.output_files, ['notes.txt']);

  const objects = await sessionObjects(session);
  assert.deepEqual([...objects.keys()].sort(), ['rollout.tar.gz', 'session.json', 'workspace.tar.gz']);
  assert.equal((await sessionRecord(session)).thread_id, job1.result.thread_id);

  const job2 = await run({ prompt: `session-two-marker ${session}: what did I say? [[cmd:cat notes.txt]] [[final:recalled]]`, session_id: session });
  assert.equal(job2.status, 'completed', JSON.stringify(job2.error));
  assert.match(job2.result!.stdout, /remember-me/, "job 1's file is in job 2's workspace");
  assert.equal(job2.result!.thread_id, job1.result.thread_id, 'job 2 resumed the same thread');
  assert.deepEqual(job2.result!.output_files, [], 'a restored file that the turn did not change is not an output');
  const requests2 = h.modelRequestsFor('session-two-marker');
  assert.ok(requests2.length > 0);
  for (const r of requests2) assert.ok(r.userTexts.includes(prompt1), "the model sees job 1's prompt in job 2's input (history kept)");
  assert.equal((await sessionRecord(session)).thread_id, job1.result.thread_id);

  const stranger = await run({ prompt: `session-other-marker [[cmd:cat notes.txt || echo no-notes-here]] [[final:alone]]`, session_id: `other-${session}` });
  assert.equal(stranger.status, 'completed', JSON.stringify(stranger.error));
  assert.match(stranger.result!.stdout, /no-notes-here/);
  assert.doesNotMatch(stranger.result!.stdout, /remember-me/);
  assert.notEqual(stranger.result!.thread_id, job1.result.thread_id, 'another session gets its own thread');
  for (const r of h.modelRequestsFor('session-other-marker')) assert.ok(!r.userTexts.includes(prompt1), "another session does not see session 1's history");

  const loner = await run({ prompt: `no-session-marker [[cmd:cat notes.txt || echo no-notes-here]] [[final:alone]]` });
  assert.match(loner.result!.stdout, /no-notes-here/, 'a job without a session starts from an empty workspace');
});

test("a failed job of a session does not overwrite the session's snapshot", async () => {
  const session = `f-${randomUUID().slice(0, 8)}`;
  const prompt1 = `keep-marker ${session} [[cmd:echo remember-me > notes.txt]] [[final:noted]]`;
  const job1 = await run({ prompt: prompt1, session_id: session });
  assert.equal(job1.status, 'completed', JSON.stringify(job1.error));
  const before = await sessionObjects(session);

  // The turn itself completes (the file is overwritten) but the job fails: its final message is not the JSON the schema asks for.
  const failedPrompt = `clobber-marker ${session} [[cmd:echo clobbered > notes.txt && echo junk > junk.txt]] [[final:not json]]`;
  const failed = await run({ prompt: failedPrompt, session_id: session, output_schema: { type: 'object' } });
  assert.equal(failed.status, 'failed');
  assert.equal(failed.error?.code, 'codex_error');
  assert.deepEqual(await sessionObjects(session), before, 'no session object was rewritten (same generations)');

  const job3 = await run({ prompt: `after-failure-marker ${session} [[cmd:cat notes.txt; ls]] [[final:checked]]`, session_id: session });
  assert.equal(job3.status, 'completed', JSON.stringify(job3.error));
  assert.match(job3.result!.stdout, /remember-me/, "job 1's state, not the failed job's");
  assert.doesNotMatch(job3.result!.stdout, /clobbered|junk\.txt/);
  assert.equal(job3.result!.thread_id, job1.result!.thread_id);
  for (const r of h.modelRequestsFor('after-failure-marker')) {
    assert.ok(r.userTexts.includes(prompt1), "job 1's turn is in the history");
    assert.ok(!r.userTexts.includes(failedPrompt), "the failed job's turn is not");
  }
});
