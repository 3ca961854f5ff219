// A job that makes far more files than the caps (an `npm install`) still completes: the files past
// OUTPUT_MAX_FILES are left out and flagged, the document keeps at most 200 created_files, and
// result.json lists every uploaded one.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { resultObjectName } from '../../../shared/processor/run-claimed-job.js';
import { DOC_CREATED_FILES_LIMIT } from '../../../shared/store/document-limits.js';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';

const MAX_FILES = 300; // the default (2000) behaves the same; a smaller cap keeps the uploads short
let h: ProcessorHarness;
before(async () => {
  h = await processorHarness({ OUTPUT_MAX_FILES: String(MAX_FILES) });
});
after(async () => {
  await h.close();
});

async function readJson(bucket: string, name: string): Promise<Record<string, unknown>> {
  const [bytes] = await h.env.storage.bucket(bucket).file(name).download();
  return JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
}

test('30 000 created files: the job completes, OUTPUT_MAX_FILES of them are uploaded, the document keeps 200 and says it was truncated', async () => {
  const { job, message } = await h.submit({ prompt: 'many files marker-mf [[cmd:mkdir d && cd d && seq 1 30000 | xargs touch]] [[final:made them]]', timeout_ms: 240_000 });
  assert.deepEqual(await h.deliver(message), { ack: true, reason: 'ran' });
  const done = await h.deps.store.get(job.job_id);
  assert.equal(done?.status, 'completed', JSON.stringify(done?.error));
  assert.equal(done?.result?.outputs_truncated, true);
  assert.equal(done?.result?.created_files.length, DOC_CREATED_FILES_LIMIT);
  assert.equal(done?.result?.output_files.length, DOC_CREATED_FILES_LIMIT);
  assert.equal(done?.result?.created_files_total, MAX_FILES);
  const stored = (await readJson(h.env.config.RESULTS_BUCKET, resultObjectName(job.job_id))) as { result: { created_files: unknown[]; outputs_truncated?: boolean } };
  assert.equal(stored.result.created_files.length, MAX_FILES, 'result.json lists every uploaded file');
  assert.equal(stored.result.outputs_truncated, true);
  const [objects] = await h.env.storage.bucket(h.env.config.OUTPUTS_BUCKET).getFiles({ prefix: `jobs/${job.job_id}/outputs/` });
  assert.equal(objects.length, MAX_FILES);
});

test('a job within the caps has no truncated flag', async () => {
  const { job, message } = await h.submit({ prompt: 'few files marker-ff [[cmd:echo a > a.txt]] [[final:one]]' });
  assert.deepEqual(await h.deliver(message), { ack: true, reason: 'ran' });
  const done = await h.deps.store.get(job.job_id);
  assert.equal(done?.status, 'completed');
  assert.equal(done?.result?.outputs_truncated, undefined);
  assert.equal(done?.result?.created_files_total, undefined);
  assert.deepEqual(done?.result?.output_files, ['a.txt']);
});
