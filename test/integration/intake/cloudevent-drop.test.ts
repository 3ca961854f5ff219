// The registered `storage-trigger` function fed Eventarc CloudEvents
// (google.cloud.storage.object.v1.finalized|deleted, binary mode, built with the cloudevents package):
// archives, hostile archives, bad files, idempotency and cancel on delete.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { CloudEvent, HTTP } from 'cloudevents';
import { derivedJobId } from '../../../shared/jobs/job-id.js';
import { FirestoreJobStore } from '../../../shared/store/firestore-job-store.js';
import { buildTarGz, buildZip } from '../../support/archive-builder.js';
import { testEnv, type TestEnv } from '../../support/test-env.js';
import { waitForJob } from '../../support/wait-for-job.js';
import { jobsFromSourceRef, serveFunction, type ServedFunction } from './intake-harness.js';

let env: TestEnv;
let fn: ServedFunction;
let tmp: string;
let bucket: string;

before(async () => {
  env = await testEnv();
  bucket = env.config.UPLOADS_BUCKET;
  // The function reads its configuration from the environment at import, as in a deployment;
  // its archives' private temp dirs go under TMPDIR, checked below.
  tmp = await mkdtemp(path.join(os.tmpdir(), 'intake-ce-test-'));
  Object.assign(process.env, env.env, { TMPDIR: tmp });
  for (const topic of [env.config.JOBS_TOPIC, env.config.PRIORITY_JOBS_TOPIC, env.config.RESULTS_TOPIC]) await env.pubsub.createTopic(topic);
  await import('../../../functions/storage-trigger/index.js');
  fn = await serveFunction('storage-trigger');
});

after(async () => {
  await fn?.close();
  await env?.close();
  await rm(tmp, { recursive: true, force: true });
});

async function upload(name: string, content: string | Buffer): Promise<Record<string, unknown>> {
  const file = env.storage.bucket(bucket).file(name);
  await file.save(content, { resumable: false });
  const [meta] = await file.getMetadata();
  return meta as Record<string, unknown>;
}

function storageEvent(kind: 'finalized' | 'deleted', object: Record<string, unknown>, id = `${kind}-${String(object.generation)}`) {
  const ce = new CloudEvent({
    id,
    type: `google.cloud.storage.object.v1.${kind}`,
    source: `//storage.googleapis.com/projects/_/buckets/${bucket}`,
    subject: `objects/${String(object.name)}`,
    datacontenttype: 'application/json',
    data: { bucket: object.bucket, name: object.name, generation: String(object.generation), size: String(object.size), contentType: object.contentType },
  });
  const message = HTTP.binary(ce);
  return fn.post(String(message.body), message.headers as Record<string, string>);
}

const ref = (o: Record<string, unknown>) => `gs://${bucket}/${String(o.name)}#${String(o.generation)}`;

test('a finalized CloudEvent makes the job; the same event 3 times makes no second one', async () => {
  const object = await upload('ce/fix.prompt', 'Fix it via Eventarc.');
  const answers = await Promise.all([storageEvent('finalized', object), storageEvent('finalized', object), storageEvent('finalized', object)]);
  assert.deepEqual(answers.map((a) => a.status), [204, 204, 204]);
  const jobs = await jobsFromSourceRef(env.firestore, ref(object));
  assert.equal(jobs.length, 1);
  assert.equal(jobs[0]!.job_id, derivedJobId(bucket, 'ce/fix.prompt', String(object.generation)));
  assert.equal(jobs[0]!.status, 'queued');
  assert.equal(jobs[0]!.owner, 'storage');
});

test('zip and tar.gz archives: one job per prompt entry, skipped entries reported, temp dir removed', async () => {
  const zip = await upload(
    'ce/batch.zip',
    buildZip([
      { name: 'one.prompt', data: 'One.' },
      { name: 'two.codex', data: '---\ntimeout_ms: 200000\n---\nTwo.' },
      { name: 'link.prompt', data: '/etc/shadow', unixMode: 0o120777 },
      { name: '/etc/cron.d/x.prompt', data: 'evil' },
    ]),
  );
  const z = await storageEvent('finalized', zip);
  assert.equal(z.verdict, 'jobs: 2 job(s)');
  const zipJobs = await jobsFromSourceRef(env.firestore, ref(zip));
  assert.deepEqual(zipJobs.map((j) => [j.metadata.archive_entry, j.prompt, j.timeout_ms]).sort(), [
    ['one.prompt', 'One.', 30_000],
    ['two.codex', 'Two.', 200_000],
  ]);
  assert.equal(zipJobs[0]!.metadata.skipped_entries, 'link.prompt (symbolic link); /etc/cron.d/x.prompt (absolute path)');
  assert.deepEqual(await readdir(tmp), [], 'no temp dir is left behind');

  const tgz = await upload(
    'ce/batch.tgz',
    buildTarGz([
      { path: 'ok.prompt', data: 'Fine.' },
      { path: 'big.prompt', data: Buffer.alloc(1024 * 1024 + 1, 'a') },
      { path: 'hard.prompt', type: 'Link', linkpath: 'ok.prompt' },
    ]),
  );
  const t = await storageEvent('finalized', tgz);
  assert.equal(t.verdict, 'jobs: 2 job(s)');
  const tgzJobs = await jobsFromSourceRef(env.firestore, ref(tgz));
  const ok = tgzJobs.find((j) => j.metadata.archive_entry === 'ok.prompt')!;
  const big = tgzJobs.find((j) => j.metadata.archive_entry === 'big.prompt')!;
  assert.equal(ok.status, 'queued');
  assert.equal(ok.metadata.skipped_entries, 'hard.prompt (hard link)');
  assert.equal(big.status, 'failed');
  assert.equal(big.error?.code, 'bad_request');
  assert.match(big.error?.message ?? '', /ce\/batch\.tgz: big\.prompt: the entry is larger than 1048576 bytes/);
});

test('hostile archives that break a limit make one failed job naming the limit', async () => {
  const many = await upload('ce/many.zip', buildZip(Array.from({ length: 101 }, (_, i) => ({ name: `p${i}.prompt`, data: `job ${i}` }))));
  await storageEvent('finalized', many);
  const job = await waitForJob(env.firestore, derivedJobId(bucket, 'ce/many.zip', String(many.generation)), () => true);
  assert.equal(job.status, 'failed');
  assert.equal(job.error?.code, 'bad_request');
  assert.equal(job.error?.message, 'ce/many.zip: the archive has more than 100 .codex/.prompt entries');

  const none = await upload('ce/nothing.tar.gz', buildTarGz([{ path: '../up.prompt', data: 'x' }, { path: 'readme.md', data: 'hi' }]));
  await storageEvent('finalized', none);
  const empty = await waitForJob(env.firestore, derivedJobId(bucket, 'ce/nothing.tar.gz', String(none.generation)), () => true);
  assert.equal(empty.error?.message, 'ce/nothing.tar.gz: the archive has no .codex or .prompt entries to run; skipped: ../up.prompt (path escapes the archive (..))');

  const notZip = await upload('ce/fake.zip', 'PK? not really');
  await storageEvent('finalized', notZip);
  const broken = await waitForJob(env.firestore, derivedJobId(bucket, 'ce/fake.zip', String(notZip.generation)), () => true);
  assert.match(broken.error?.message ?? '', /^ce\/fake\.zip: not a valid zip archive/);
});

test('bad files: empty, only front matter, over 100 000 characters', async () => {
  const cases: [string, string, RegExp][] = [
    ['ce/empty.prompt', '', /ce\/empty\.prompt: the file is empty/],
    ['ce/only-fm.codex', '---\npriority: high\n---\n', /ce\/only-fm\.codex: the file has front matter but no prompt text after it/],
    ['ce/long.prompt', 'y'.repeat(100_001), /ce\/long\.prompt: invalid job options: prompt: prompt is at most 100000 characters/],
  ];
  for (const [name, content, message] of cases) {
    const object = await upload(name, content);
    assert.equal((await storageEvent('finalized', object)).status, 204);
    const job = await waitForJob(env.firestore, derivedJobId(bucket, name, String(object.generation)), () => true);
    assert.equal(job.status, 'failed', name);
    assert.equal(job.error?.code, 'bad_request');
    assert.match(job.error?.message ?? '', message);
  }
});

test('a deleted CloudEvent cancels queued jobs and asks processing ones to stop; a replaced generation keeps its jobs', async () => {
  const store = new FirestoreJobStore(env.firestore);
  const zip = await upload('ce/to-delete.zip', buildZip([{ name: 'a.prompt', data: 'A.' }, { name: 'b.prompt', data: 'B.' }]));
  await storageEvent('finalized', zip);
  const [a, b] = (await jobsFromSourceRef(env.firestore, ref(zip))).sort((x, y) => x.prompt.localeCompare(y.prompt));
  // A processor has claimed b.
  const claim = await store.claim(b!, { holder: 'test-processor', leaseMs: 60_000, maxAttempts: 3, ttlDays: 30 });
  assert.equal(claim.outcome, 'claimed');
  await env.storage.bucket(bucket).file('ce/to-delete.zip').delete();
  const answer = await storageEvent('deleted', zip);
  assert.equal(answer.status, 204);
  assert.equal(answer.verdict, 'cancelled: 2 job(s)');
  assert.equal((await store.get(a!.job_id))?.status, 'cancelled');
  const processing = await store.get(b!.job_id);
  assert.equal(processing?.status, 'processing');
  assert.equal(processing?.cancel_requested, true);

  // Re-uploaded: Eventarc also reports the old generation deleted, but the object lives on.
  const v1 = await upload('ce/replaced.prompt', 'Version 1.');
  await storageEvent('finalized', v1);
  await upload('ce/replaced.prompt', 'Version 2.');
  const replaced = await storageEvent('deleted', v1);
  assert.equal(replaced.verdict, 'ignored: overwritten');
  assert.equal((await jobsFromSourceRef(env.firestore, ref(v1)))[0]?.status, 'queued');
});

test('events for other buckets and non-storage requests', async () => {
  const other = await storageEvent('finalized', { bucket: 'someone-elses-bucket', name: 'x.prompt', generation: '1', size: '3' });
  assert.equal(other.verdict, 'ignored: other bucket');
  const junk = await fn.post({ hello: 'world' });
  assert.equal(junk.status, 204, 'acked: a 4xx would only be redelivered until dead-lettered');
  assert.equal(junk.verdict, 'undecodable');
});
