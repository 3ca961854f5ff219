// GET /jobs/{id}/changes when the document keeps a cut file list: the whole list comes from
// result.json, which also holds the job's whole stdout. The API streams only result.changes.files out
// of it: its peak memory stays far below the file's size (read whole, it held the file twice over).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Changes } from '../../../shared/workspace/workspace-schemas.js';
import { claimJob, completedResult } from './support/job-fixtures.js';
import { startApi, type ApiServer } from './support/api-server.js';

let api: ApiServer;
before(async () => {
  api = await startApi();
  await api.env.storage.createBucket(api.env.config.RESULTS_BUCKET);
});
after(() => api.close());

const MIB = 1024 * 1024;
/** This process's peak resident set since the last reset (Linux: VmHWM, reset by clear_refs 5). */
const peakRss = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
const currentRss = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;

test('a 49 MiB result.json: the whole file list is answered, and the API never holds the file', async () => {
  const submitted = await api.call<{ job_id: string }>('POST', '/jobs', { body: { prompt: 'many files, much output' } });
  const jobId = submitted.body.job_id;
  const running = await claimJob(api.store, (await api.store.get(jobId))!);
  const files = Array.from({ length: 3000 }, (_, i) => ({ path: `dir/file-${i}.txt`, change: 'added' as const, size_bytes: i }));
  const full: Changes = { base: { kind: 'empty', commit: 'b'.repeat(40) }, files, stats: { files_changed: files.length, insertions: 3000, deletions: 0 }, patch_path: `gs://x/jobs/${jobId}/changes.patch`, truncated: false };
  const inDocument: Changes = { ...full, files: files.slice(0, 1000), truncated: true };
  assert.ok(await api.store.finish(jobId, 'completed', { result: completedResult({ changes: inDocument }) }, running.lease!.holder));
  // As the processor writes it: the texts come before changes.
  const stdout = 'output line '.repeat((48 * MIB) / 12);
  const body = JSON.stringify({ job_id: jobId, status: 'completed', error: null, result: { ...completedResult({ stdout, final_message: stdout.slice(0, MIB) }), changes: full } });
  await api.env.storage.bucket(api.env.config.RESULTS_BUCKET).file(`jobs/${jobId}/result.json`).save(body, { resumable: false });

  global.gc?.();
  const before = currentRss();
  writeFileSync('/proc/self/clear_refs', '5');
  const res = await api.call<Changes>('GET', `/jobs/${jobId}/changes`);
  const growth = peakRss() - before;
  assert.equal(res.status, 200, res.text.slice(0, 300));
  assert.deepEqual(res.body, full);
  console.log(`peak RSS growth ${(growth / MIB).toFixed(1)} MiB`);
  assert.ok(growth < 64 * MIB, `peak RSS grew by ${(growth / MIB).toFixed(1)} MiB while answering`);
});
