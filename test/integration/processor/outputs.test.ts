// Outputs: every file the agent created is uploaded to the outputs bucket with its bytes and mime
// type (nested folders, binary, empty, spaces and unicode in names), listed in result.created_files,
// and result.json is written; symlinks are never uploaded.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { JobDocument } from '../../../shared/jobs/job-document.js';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';

/** The files the agent makes, with the bytes printf writes and the type each must get. */
const FILES: { rel: string; bytes: Buffer; type: string }[] = [
  { rel: 'data.json', bytes: Buffer.from('{"ok":true}\n'), type: 'application/json' },
  { rel: 'dir one/nested/deeper/blob.bin', bytes: Buffer.from([0x00, 0xff, 0x01, 0x80, 0x0a, 0x00, 0x41]), type: 'application/octet-stream' },
  { rel: 'dir one/résumé ü.txt', bytes: Buffer.from('bonjour ü\n'), type: 'text/plain' },
  { rel: 'empty.txt', bytes: Buffer.alloc(0), type: 'text/plain' },
  { rel: 'image.png', bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]), type: 'image/png' },
];

/** Octal escapes work in the printf of every shell (dash lacks \x). */
const printfArg = (bytes: Buffer) => [...bytes].map((b) => `\\${b.toString(8).padStart(3, '0')}`).join('');

let h: ProcessorHarness;
let done: JobDocument;

before(async () => {
  h = await processorHarness();
  const cmds = [
    'mkdir -p "dir one/nested/deeper"',
    ...FILES.map((f) => `printf '${printfArg(f.bytes)}' > "${f.rel}"`),
    'ln -s /etc/passwd link && ln -s "dir one" dirlink && ls -la',
  ];
  const { job, message } = await h.submit({ prompt: `outputs-marker ${cmds.map((c) => `[[cmd:${c}]]`).join(' ')} [[final:files written]]` });
  await h.deliver(message);
  done = (await h.deps.store.get(job.job_id))!;
});

after(async () => {
  await h?.close();
});

test('the job completes and lists exactly the created files (sorted), with sizes, mime types and gs:// paths', () => {
  assert.equal(done.status, 'completed', JSON.stringify(done.error));
  const bucket = h.env.config.OUTPUTS_BUCKET;
  const expected = FILES.map((f) => ({
    filename: f.rel,
    size_bytes: f.bytes.length,
    content_type: f.type,
    storage_path: `gs://${bucket}/jobs/${done.job_id}/outputs/${f.rel}`,
  })).sort((a, b) => (a.filename < b.filename ? -1 : 1));
  assert.deepEqual(done.result!.created_files, expected);
  assert.deepEqual(done.result!.output_files, expected.map((f) => f.filename));
});

test('each object in the outputs bucket holds the same bytes and content type; nothing else was uploaded (no symlink)', async () => {
  const bucket = h.env.storage.bucket(h.env.config.OUTPUTS_BUCKET);
  const prefix = `jobs/${done.job_id}/outputs/`;
  const [objects] = await bucket.getFiles({ prefix });
  assert.deepEqual(objects.map((o) => o.name.slice(prefix.length)).sort(), FILES.map((f) => f.rel).sort(), 'the symlinks link and dirlink are not uploaded');
  for (const f of FILES) {
    const object = bucket.file(prefix + f.rel);
    const [[bytes], [meta]] = await Promise.all([object.download(), object.getMetadata()]);
    assert.deepEqual(bytes, f.bytes, `bytes of ${f.rel}`);
    assert.equal(meta.contentType, f.type, `content type of ${f.rel}`);
    assert.equal(Number(meta.size), f.bytes.length, `size of ${f.rel}`);
  }
});

test('result.json in the results bucket matches the job', async () => {
  const [raw] = await h.env.storage.bucket(h.env.config.RESULTS_BUCKET).file(`jobs/${done.job_id}/result.json`).download();
  const stored = JSON.parse(raw.toString('utf8')) as { job_id: string; status: string; error: unknown; result: unknown };
  assert.equal(stored.job_id, done.job_id);
  assert.equal(stored.status, 'completed');
  assert.equal(stored.error, null);
  assert.deepEqual(stored.result, done.result);
});

test('the agent saw its symlinks (so their absence from the outputs is the filter, not a failed command)', () => {
  assert.match(done.result!.stdout, /link -> \/etc\/passwd/);
  assert.match(done.result!.stdout, /dirlink -> dir one/);
});
