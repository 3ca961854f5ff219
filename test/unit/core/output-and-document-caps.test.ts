// The output caps and what of a result fits in the job document.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../../shared/config.js';
import type { CreatedFile, JobResult } from '../../../shared/jobs/job-document.js';
import { ZERO_USAGE } from '../../../shared/jobs/job-document.js';
import { capOutputs } from '../../../shared/processor/output-caps.js';
import { DOC_CREATED_FILES_LIMIT, DOC_STRUCTURED_OUTPUT_BYTES, resultForDocument } from '../../../shared/store/document-limits.js';

const file = (n: number, size = 10): CreatedFile => ({ filename: `f${String(n).padStart(5, '0')}`, size_bytes: size, content_type: 'text/plain', storage_path: `gs://b/jobs/j/outputs/f${n}` });
const result = (files: CreatedFile[], extra: Partial<JobResult> = {}): JobResult => ({
  exit_code: 0, final_message: '', stdout: '', stderr: '', execution_time_ms: 1, output_files: files.map((f) => f.filename), created_files: files, usage: ZERO_USAGE, thread_id: null, ...extra,
});

describe('capOutputs', () => {
  it('keeps at most maxFiles, in order, and says it truncated', () => {
    const capped = capOutputs(Array.from({ length: 30_000 }, (_, i) => file(i)), { maxFiles: 2000, maxBytes: 1024 ** 3 });
    assert.equal(capped.files.length, 2000);
    assert.equal(capped.files[0]!.filename, 'f00000');
    assert.equal(capped.truncated, true);
    assert.equal(capped.total, 30_000);
  });
  it('skips a file too big for the bytes left and still takes smaller later ones', () => {
    const capped = capOutputs([file(1, 60), file(2, 50), file(3, 40)], { maxFiles: 10, maxBytes: 100 });
    assert.deepEqual(capped.files.map((f) => f.filename), ['f00001', 'f00003']);
    assert.equal(capped.truncated, true);
  });
  it('within both caps nothing is left out', () => {
    const capped = capOutputs([file(1), file(2)], { maxFiles: 2, maxBytes: 20 });
    assert.equal(capped.files.length, 2);
    assert.equal(capped.truncated, false);
  });
  it('defaults are 2000 files and 1 GiB; bad values name the variable', () => {
    const config = parseConfig({});
    assert.equal(config.OUTPUT_MAX_FILES, 2000);
    assert.equal(config.OUTPUT_MAX_BYTES, 1024 ** 3);
    assert.equal(config.PROCESSOR_CONCURRENCY, 1);
    assert.throws(() => parseConfig({ OUTPUT_MAX_FILES: '0' }), /OUTPUT_MAX_FILES/);
    assert.throws(() => parseConfig({ PROCESSOR_CONCURRENCY: 'many' }), /PROCESSOR_CONCURRENCY/);
  });
});

describe('resultForDocument', () => {
  it('keeps 200 created_files and output_files, and counts them all', () => {
    const doc = resultForDocument(result(Array.from({ length: 2000 }, (_, i) => file(i))));
    assert.equal(doc.created_files.length, DOC_CREATED_FILES_LIMIT);
    assert.equal(doc.output_files.length, DOC_CREATED_FILES_LIMIT);
    assert.equal(doc.created_files_total, 2000);
  });
  it('keeps fewer when the paths are long, so the document stays far below 1 MiB', () => {
    const long = Array.from({ length: 200 }, (_, i) => ({ ...file(i), filename: `${'d/'.repeat(1000)}${i}`, storage_path: `gs://b/${'d/'.repeat(1000)}${i}` }));
    const doc = resultForDocument(result(long));
    assert.ok(doc.created_files.length < 200);
    assert.ok(Buffer.byteLength(JSON.stringify(doc)) < 400 * 1024);
  });
  it('leaves a small result as it is', () => {
    const small = result([file(1)], { structured_output: { ok: true } });
    assert.deepEqual(resultForDocument(small), small);
  });
  it('drops a structured_output too big or too deep for Firestore and flags it', () => {
    const big = resultForDocument(result([], { structured_output: { text: 'z'.repeat(DOC_STRUCTURED_OUTPUT_BYTES + 1) } }));
    assert.equal(big.structured_output, undefined);
    assert.equal(big.structured_output_truncated, true);
    let deep: unknown = 1;
    for (let i = 0; i < 30; i++) deep = { d: deep };
    const tooDeep = resultForDocument(result([], { structured_output: deep }));
    assert.equal(tooDeep.structured_output, undefined);
    assert.equal(tooDeep.structured_output_truncated, true);
  });
});
