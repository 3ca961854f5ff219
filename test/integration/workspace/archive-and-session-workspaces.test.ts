// A dropped archive with prompt entries and other files: one job per prompt entry, each starting
// from the other files (not the prompts), with original_filename the base name and object the full
// name. A session keeps its repository: a follow-up job's changes are against its own start.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { JobDocument } from '../../../shared/jobs/job-document.js';
import type { JobRequestInput } from '../../../shared/jobs/job-request.js';
import { handleStorageEvent } from '../../../shared/intake/storage-intake.js';
import { createLogger } from '../../../shared/logging.js';
import type { FirestoreJobStore } from '../../../shared/store/firestore-job-store.js';
import { buildTarGz } from '../../support/archive-builder.js';
import { processorHarness, pushMessage, type ProcessorHarness } from '../../support/processor-harness.js';

let h: ProcessorHarness;
before(async () => {
  h = await processorHarness();
  // The storage trigger publishes the jobs it makes (delivered here by hand).
  for (const topic of [h.env.config.JOBS_TOPIC, h.env.config.PRIORITY_JOBS_TOPIC]) await h.env.pubsub.createTopic(topic).catch(() => undefined);
});
after(() => h.close());

test('a dropped tar.gz: one job per prompt entry, each starting from the archive\'s other files', async () => {
  const name = `drops/${randomUUID().slice(0, 8)}/fix-it.tar.gz`;
  const archive = buildTarGz([
    { path: 'tasks/fix.prompt', data: 'drop-fix [[cmd:ls -R; cat src/math.ts]] [[cmd:sed -i s/-/+/ src/math.ts]] [[final:fixed]]' },
    { path: 'tasks/docs.codex', data: 'drop-docs [[cmd:ls -R]] [[final:listed]]' },
    { path: 'src/math.ts', data: 'export const add = (a, b) => a - b;\n' },
    { path: 'README.md', data: '# dropped\n' },
    { path: 'evil-link', type: 'SymbolicLink', linkpath: '/etc/passwd' },
  ]);
  const file = h.env.storage.bucket(h.env.config.UPLOADS_BUCKET).file(name);
  await file.save(archive, { resumable: false });
  const [meta] = await file.getMetadata();
  const generation = String(meta.generation);
  const verdict = await handleStorageEvent(
    { config: h.env.config, store: h.deps.store as FirestoreJobStore, queue: h.deps.queue, log: createLogger('ERROR'), storage: h.env.storage },
    { kind: 'finalized', type: 'OBJECT_FINALIZE', bucket: h.env.config.UPLOADS_BUCKET, name, generation, size: archive.length, eventId: 'test' },
  );
  assert.equal(verdict.action, 'jobs');
  assert.equal(verdict.jobIds.length, 2);
  const jobs = (await Promise.all(verdict.jobIds.map((id) => h.deps.store.get(id)))) as JobDocument[];
  for (const job of jobs) {
    assert.deepEqual(job.workspace, { archive: { bucket: h.env.config.UPLOADS_BUCKET, object: name, generation } });
    assert.equal(job.metadata.original_filename, 'fix-it.tar.gz');
    assert.equal(job.metadata.object, name);
  }
  const fix = jobs.find((j) => j.metadata.archive_entry === 'tasks/fix.prompt')!;
  await h.deliver(pushMessage(fix));
  const done = (await h.deps.store.get(fix.job_id))!;
  assert.equal(done.status, 'completed', JSON.stringify(done.error));
  assert.match(done.result!.stdout, /a - b/);
  assert.doesNotMatch(done.result!.stdout, /fix\.prompt|docs\.codex|evil-link/, 'prompt entries and links are not in the workspace');
  assert.equal(done.result!.changes!.base.kind, 'archive');
  assert.deepEqual(done.result!.changes!.files, [{ path: 'src/math.ts', change: 'modified', size_bytes: 36 }]);
  const events = await h.deps.store.listEvents(fix.job_id, -1, 1000);
  assert.deepEqual((events.find((e) => e.type === 'workspace_skipped')?.data.paths as { path: string }[]).map((p) => p.path), ['evil-link']);
});

test('a prompt-only archive makes jobs with no workspace; uploads under inputs/ are never prompt drops', async () => {
  const deps = { config: h.env.config, store: h.deps.store as FirestoreJobStore, queue: h.deps.queue, log: createLogger('ERROR'), storage: h.env.storage };
  const bucket = h.env.config.UPLOADS_BUCKET;
  const only = `drops/${randomUUID().slice(0, 8)}.tar.gz`;
  await h.env.storage.bucket(bucket).file(only).save(buildTarGz([{ path: 'a.prompt', data: 'only a prompt' }]), { resumable: false });
  const v = await handleStorageEvent(deps, { kind: 'finalized', type: 'OBJECT_FINALIZE', bucket, name: only, generation: '1', eventId: 'x' });
  const job = (await h.deps.store.get(v.jobIds[0]!))!;
  assert.equal(job.workspace ?? null, null);
  for (const name of ['inputs/alice/abc123abc123.tar.gz', 'inputs/alice/task.prompt', 'inputs/alice/x.zip']) {
    const ignored = await handleStorageEvent(deps, { kind: 'finalized', type: 'OBJECT_FINALIZE', bucket, name, generation: '1', eventId: 'y' });
    assert.equal(ignored.action, 'ignored', name);
  }
});

async function run(request: JobRequestInput): Promise<JobDocument> {
  const { job, message } = await h.submit(request);
  await h.deliver(message);
  return (await h.deps.store.get(job.job_id))!;
}

test("a session keeps its repository: the follow-up job's changes are against its own start", async () => {
  const session = `ws-${randomUUID().slice(0, 8)}`;
  const first = await run({ prompt: `session-ws-1 ${session} [[cmd:printf 'one\\n' > notes.txt]] [[final:noted]]`, session_id: session });
  assert.equal(first.status, 'completed', JSON.stringify(first.error));
  assert.equal(first.result!.changes!.base.kind, 'empty');
  assert.deepEqual(first.result!.changes!.files, [{ path: 'notes.txt', change: 'added', size_bytes: 4 }]);
  const second = await run({ prompt: `session-ws-2 ${session} [[cmd:git log --format=%H%x20%s; cat notes.txt]] [[cmd:printf 'two\\n' >> notes.txt]] [[final:more]]`, session_id: session });
  assert.equal(second.status, 'completed', JSON.stringify(second.error));
  assert.match(second.result!.stdout, new RegExp(`${first.result!.changes!.base.commit} codex-jobs: the job's starting files`), "the session's repository and history are kept");
  assert.match(second.result!.stdout, /one/);
  const changes = second.result!.changes!;
  assert.equal(changes.base.kind, 'session');
  assert.notEqual(changes.base.commit, first.result!.changes!.base.commit, 'the base is the start of this job (the first job left notes.txt uncommitted)');
  assert.deepEqual(changes.files, [{ path: 'notes.txt', change: 'modified', size_bytes: 8 }]);
  assert.deepEqual(second.result!.created_files.map((f) => f.filename), ['notes.txt']);
  assert.equal(changes.stats.insertions, 1);
});
