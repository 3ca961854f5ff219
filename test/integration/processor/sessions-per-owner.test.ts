// Sessions belong to their owner: two API keys that pick the same session_id each continue only their
// own thread and files (real processor, real codex, emulators), and a snapshot left at the pre-v3
// path gs://RESULTS_BUCKET/sessions/{session_id}/ is never restored.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as tar from 'tar';
import type { JobDocument } from '../../../shared/jobs/job-document.js';
import type { JobRequestInput } from '../../../shared/jobs/job-request.js';
import { sessionOrderingKey, sessionPrefix } from '../../../shared/jobs/session-scope.js';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';

let h: ProcessorHarness;
before(async () => {
  h = await processorHarness();
});
after(async () => {
  await h.close();
});

async function run(owner: string, request: JobRequestInput): Promise<JobDocument> {
  const { job, message } = await h.submit(request, { owner });
  assert.deepEqual(await h.deliver(message), { ack: true, reason: 'ran' });
  return (await h.deps.store.get(job.job_id))!;
}

test('two owners with the same session_id never see each other’s files or history', async () => {
  const session = `shared-${randomUUID().slice(0, 8)}`;
  const alicePrompt = `owner-a-marker ${session} [[cmd:echo alice-secret > notes.txt]] [[final:noted]]`;
  const a1 = await run('alice', { prompt: alicePrompt, session_id: session });
  assert.equal(a1.status, 'completed', JSON.stringify(a1.error));

  const bobPrompt = `owner-b-marker ${session} [[cmd:cat notes.txt || echo bob-has-no-notes; echo bob-own > bob.txt]] [[final:bob]]`;
  const b1 = await run('bob', { prompt: bobPrompt, session_id: session });
  assert.equal(b1.status, 'completed', JSON.stringify(b1.error));
  assert.match(b1.result!.stdout, /bob-has-no-notes/);
  assert.doesNotMatch(b1.result!.stdout, /alice-secret/, "bob's job does not restore alice's files");
  assert.notEqual(b1.result!.thread_id, a1.result!.thread_id, 'bob gets his own thread');
  for (const r of h.modelRequestsFor('owner-b-marker')) assert.ok(!r.userTexts.includes(alicePrompt), "bob's model input holds none of alice's history");

  // Each owner's snapshot is under its own prefix; bob's save did not overwrite alice's.
  const bucket = h.env.storage.bucket(h.env.config.RESULTS_BUCKET);
  const alicePrefix = sessionPrefix({ owner: 'alice', session_id: session });
  const bobPrefix = sessionPrefix({ owner: 'bob', session_id: session });
  assert.notEqual(alicePrefix, bobPrefix);
  assert.match(alicePrefix, /^sessions\/[0-9a-f]{64}\/shared-/);
  for (const prefix of [alicePrefix, bobPrefix]) {
    const [files] = await bucket.getFiles({ prefix });
    assert.deepEqual(files.map((f) => f.name.slice(prefix.length)).sort(), ['rollout.tar.gz', 'session.json', 'workspace.tar.gz']);
  }

  const a2 = await run('alice', { prompt: `owner-a2-marker ${session} [[cmd:cat notes.txt; cat bob.txt || echo no-bob-file]] [[final:back]]`, session_id: session });
  assert.equal(a2.status, 'completed', JSON.stringify(a2.error));
  assert.match(a2.result!.stdout, /alice-secret/, "alice's follow-up still sees her own file");
  assert.match(a2.result!.stdout, /no-bob-file/, "and none of bob's");
  assert.equal(a2.result!.thread_id, a1.result!.thread_id, 'alice resumes her own thread');
  for (const r of h.modelRequestsFor('owner-a2-marker')) assert.ok(!r.userTexts.includes(bobPrompt), "alice's model input holds none of bob's history");
});

test('a snapshot at the old unscoped path sessions/{session_id}/ is never read', async () => {
  const session = `legacy-${randomUUID().slice(0, 8)}`;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'legacy-session-'));
  try {
    await writeFile(path.join(dir, 'planted.txt'), 'planted-by-old-path\n');
    const archive = path.join(dir, 'workspace.tar.gz');
    await tar.c({ gzip: true, file: archive, cwd: dir, portable: true }, ['planted.txt']);
    const bucket = h.env.storage.bucket(h.env.config.RESULTS_BUCKET);
    await bucket.upload(archive, { destination: `sessions/${session}/workspace.tar.gz` });
    await bucket.upload(archive, { destination: `sessions/${session}/rollout.tar.gz` });
    await bucket.file(`sessions/${session}/session.json`).save(JSON.stringify({ thread_id: 'legacy-thread', updated_at: new Date().toISOString() }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const job = await run('alice', { prompt: `legacy-marker [[cmd:cat planted.txt || echo nothing-planted]] [[final:fresh]]`, session_id: session });
  assert.equal(job.status, 'completed', JSON.stringify(job.error));
  assert.match(job.result!.stdout, /nothing-planted/);
  assert.notEqual(job.result!.thread_id, 'legacy-thread');
});

test('the ordering key of a session job is {owner}:{session_id}', () => {
  assert.equal(sessionOrderingKey({ owner: 'alice', session_id: 's1' }), 'alice:s1');
  assert.notEqual(sessionOrderingKey({ owner: 'alice', session_id: 's1' }), sessionOrderingKey({ owner: 'bob', session_id: 's1' }));
});
