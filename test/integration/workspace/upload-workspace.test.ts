// A job that starts from an uploaded archive (the real codex binary, the scripted model, real git):
// the files are there before the turn, in a repository with the input committed as the base; the
// changes come back as changes.patch (git apply to a copy of the input gives the final files) and
// result.changes; created_files lists only what changed; unsafe entries are skipped and reported.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { uploadObjectName } from '../../../shared/workspace/upload-object.js';
import { newUploadId } from '../../../shared/workspace/upload-records.js';
import { buildTarGz, buildZip } from '../../support/archive-builder.js';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';
import { readTree } from '../../support/tree-compare.js';

let h: ProcessorHarness;
let scratch: string;
before(async () => {
  h = await processorHarness({ WORKSPACE_MAX_FILES: '50', WORKSPACE_MAX_BYTES: String(2 * 1024 * 1024) });
  scratch = await mkdtemp(path.join(os.tmpdir(), 'upload-workspace-'));
});
after(async () => {
  await h.close();
  await rm(scratch, { recursive: true, force: true });
});

async function putUpload(bytes: Buffer, owner = 'alice'): Promise<string> {
  const id = newUploadId();
  await h.env.storage.bucket(h.env.config.UPLOADS_BUCKET).file(uploadObjectName(owner, id)).save(bytes, { resumable: false });
  return id;
}

async function runJob(prompt: string, uploadId: string, owner = 'alice') {
  const { job, message } = await h.submit({ prompt, workspace: { upload_id: uploadId } }, { owner });
  await h.deliver(message);
  return (await h.deps.store.get(job.job_id))!;
}

async function download(bucket: string, name: string): Promise<Buffer> {
  const [bytes] = await h.env.storage.bucket(bucket).file(name).download();
  return bytes;
}

test('a folder packed with tar czf: the job sees its files, and git apply of changes.patch to the folder gives the final files', async () => {
  const folder = path.join(scratch, 'project');
  await mkdir(path.join(folder, 'src'), { recursive: true });
  await writeFile(path.join(folder, 'src/math.ts'), 'export const add = (a: number, b: number) => a - b;\n');
  await writeFile(path.join(folder, 'README.md'), '# project\n');
  await writeFile(path.join(folder, 'old.txt'), 'to be removed\n');
  await writeFile(path.join(folder, 'run.sh'), '#!/bin/sh\necho run\n');
  await writeFile(path.join(folder, 'logo.bin'), Buffer.from([0, 1, 2, 3, 255, 254, 0, 0]));
  const archive = path.join(scratch, 'project.tgz');
  execFileSync('tar', ['czf', archive, '-C', folder, '.']);
  const input = await readTree(folder);
  const id = await putUpload(execFileSync('cat', [archive]));

  const marker = `upload-apply-${id}`;
  const job = await runJob(
    `${marker} [[cmd:cat src/math.ts && git log --format=%s]] [[cmd:sed -i s/a\\ -\\ b/a\\ +\\ b/ src/math.ts && rm old.txt && chmod +x run.sh && printf 'new\\n' > added.txt && printf '\\001\\002' > logo.bin]] [[final:fixed]]`,
    id,
  );
  assert.equal(job.status, 'completed', JSON.stringify(job.error));
  assert.match(job.result!.stdout, /a - b/, 'the uploaded file is in the workspace before the turn');
  assert.match(job.result!.stdout, /codex-jobs: the job's starting files/, 'the workspace is a repository with the input as its base commit');
  const changes = job.result!.changes!;
  assert.equal(changes.base.kind, 'upload');
  assert.match(changes.base.commit, /^[0-9a-f]{40}$/);
  assert.deepEqual(
    changes.files.map((f) => `${f.change}:${f.path}`).sort(),
    ['added:added.txt', 'deleted:old.txt', 'modified:logo.bin', 'modified:run.sh', 'modified:src/math.ts'],
  );
  assert.equal(changes.stats.files_changed, 5);
  assert.equal(changes.truncated, false);
  assert.equal(changes.patch_path, `gs://${h.env.config.OUTPUTS_BUCKET}/jobs/${job.job_id}/changes.patch`);
  assert.deepEqual(job.result!.created_files.map((f) => f.filename), ['added.txt', 'logo.bin', 'run.sh', 'src/math.ts'], 'only added and modified files are outputs; README.md is not');

  const patch = path.join(scratch, 'changes.patch');
  await writeFile(patch, await download(h.env.config.OUTPUTS_BUCKET, `jobs/${job.job_id}/changes.patch`));
  execFileSync('git', ['apply', '--binary', patch], { cwd: folder, env: { PATH: process.env.PATH, HOME: scratch, GIT_CONFIG_NOSYSTEM: '1' } });
  const final = await readTree(folder);
  assert.equal(final.get('src/math.ts'), `-:${Buffer.from('export const add = (a: number, b: number) => a + b;\n').toString('base64')}`);
  assert.equal(final.has('old.txt'), false);
  assert.equal(final.get('run.sh')?.[0], 'x', 'the mode change applies');
  assert.equal(final.get('added.txt'), `-:${Buffer.from('new\n').toString('base64')}`);
  assert.equal(final.get('logo.bin'), `-:${Buffer.from([1, 2]).toString('base64')}`);
  assert.equal(final.get('README.md'), input.get('README.md'));

  const resultJson = JSON.parse((await download(h.env.config.RESULTS_BUCKET, `jobs/${job.job_id}/result.json`)).toString('utf8')) as { result: { changes: unknown } };
  assert.deepEqual(resultJson.result.changes, changes);
  const message = h.results.messages.find((m) => (m.data as { job_id: string }).job_id === job.job_id);
  if (message) assert.deepEqual((message.data as { changes: unknown }).changes, { stats: changes.stats });
});

test('a zip upload with unsafe entries: links, escapes, absolute paths and .git are skipped and listed in a workspace_skipped event', async () => {
  const zip = buildZip([
    { name: 'keep/a.txt', data: 'kept' },
    { name: '../escape.txt', data: 'x' },
    { name: '/abs.txt', data: 'x' },
    { name: 'link', data: '/etc/passwd', unixMode: 0o120777 },
    { name: '.git/config', data: '[core]\n\tfsmonitor = touch /tmp/pwned\n' },
  ]);
  const id = await putUpload(zip);
  const job = await runJob(`zip-skip-${id} [[cmd:ls -A; cat keep/a.txt]] [[final:listed]]`, id);
  assert.equal(job.status, 'completed', JSON.stringify(job.error));
  assert.match(job.result!.stdout, /kept/);
  assert.doesNotMatch(job.result!.stdout, /escape\.txt|abs\.txt|\blink\b/);
  const events = await h.deps.store.listEvents(job.job_id, -1, 1000);
  const skipped = events.find((e) => e.type === 'workspace_skipped');
  assert.ok(skipped, 'a workspace_skipped event');
  const paths = (skipped.data.paths as { path: string; reason: string }[]).map((p) => p.path).sort();
  assert.deepEqual(paths, ['../escape.txt', '.git/config', '/abs.txt', 'link']);
  assert.equal(skipped.data.count, 4);
  assert.deepEqual(job.result!.created_files, [], 'nothing changed, nothing uploaded');
  assert.deepEqual(job.result!.changes!.files, []);
});

test('an input that cannot be a workspace fails the job with workspace_error before any Codex turn', async () => {
  const cases: [string, Buffer, RegExp][] = [
    ['not-an-archive', Buffer.from('just some text, not an archive'), /is not a zip, tar, tar\.gz or tgz archive/],
    ['too-many-files', buildTarGz(Array.from({ length: 51 }, (_, i) => ({ path: `f${i}.txt`, data: 'x' }))), /more than 50 entries \(WORKSPACE_MAX_FILES\)/],
    ['too-many-bytes', buildTarGz([{ path: 'big.bin', data: Buffer.alloc(3 * 1024 * 1024) }]), /unpacks to more than 2097152 bytes \(WORKSPACE_MAX_BYTES\)/],
    ['broken-gzip', Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.from('garbage garbage garbage')]), /not a valid tar\.gz archive/],
  ];
  for (const [name, bytes, expected] of cases) {
    const id = await putUpload(bytes);
    const marker = `ws-error-${name}-${id}`;
    const job = await runJob(`${marker} [[final:should not run]]`, id);
    assert.equal(job.status, 'failed', name);
    assert.equal(job.error?.code, 'workspace_error', name);
    assert.match(job.error!.message, expected, name);
    assert.equal(h.modelRequestsFor(marker).length, 0, `${name}: no Codex turn ran`);
  }
  const missing = await runJob('ws-error-missing [[final:no]]', newUploadId());
  assert.equal(missing.error?.code, 'workspace_error');
  assert.match(missing.error!.message, /is gone/);
});

test("a job reads only its owner's upload: the same upload_id under another owner is gone", async () => {
  const id = await putUpload(buildTarGz([{ path: 'secret.txt', data: 'alice only' }]), 'alice');
  const job = await runJob(`cross-owner-${id} [[cmd:cat secret.txt]] [[final:x]]`, id, 'bob');
  assert.equal(job.status, 'failed');
  assert.equal(job.error?.code, 'workspace_error');
});
