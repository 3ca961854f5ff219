// GET /jobs/{id}/outputs lists, and GET /jobs/{id}/outputs/{path} serves, only the files of the run
// that recorded the job: an object written by another attempt (a run that lost its lease) is neither
// listed nor served, whatever its name. Objects without an attempt (older jobs) are still the job's.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ORDER_METADATA, attemptOrder } from '../../../shared/blobs/ordered-write.js';
import { startApi, type ApiServer } from './support/api-server.js';
import { claimJob, completedResult } from './support/job-fixtures.js';

type Files = { files: { filename: string }[] };

let api: ApiServer;
before(async () => {
  api = await startApi();
});
after(() => api.close());

async function put(jobId: string, rel: string, body: string, attempt?: number): Promise<void> {
  const metadata = attempt === undefined ? {} : { metadata: { [ORDER_METADATA]: attemptOrder(attempt) } };
  await api.env.storage.bucket(api.env.config.OUTPUTS_BUCKET).file(`jobs/${jobId}/outputs/${rel}`).save(body, { contentType: 'text/plain', resumable: false, metadata });
}

test('only the recorded attempt’s outputs are listed and served; a stale attempt’s are not found', async () => {
  const jobId = (await api.call<{ job_id: string }>('POST', '/jobs', { body: { prompt: 'two attempts' } })).body.job_id;
  const queued = (await api.store.get(jobId))!;
  await claimJob(api.store, queued); // attempt 1 (it will lose its lease)
  await api.store.releaseLease(jobId, 'test-processor');
  const second = await claimJob(api.store, (await api.store.get(jobId))!); // attempt 2 records the job
  assert.equal(second.attempts, 2);
  await put(jobId, 'stale-only.txt', 'from attempt 1', 1);
  await put(jobId, 'both.txt', 'from attempt 2', 2);
  await put(jobId, 'legacy.txt', 'written before attempts were kept');

  const running = await api.call<Files>('GET', `/jobs/${jobId}/outputs`);
  assert.deepEqual(running.body.files.map((f) => f.filename), ['both.txt', 'legacy.txt'], 'while it runs: the current attempt’s');

  const done = await api.store.finish(jobId, 'completed', { result: completedResult() }, 'test-processor', { attempt: 2 });
  assert.ok(done);
  const listed = await api.call<Files>('GET', `/jobs/${jobId}/outputs`);
  assert.deepEqual(listed.body.files.map((f) => f.filename), ['both.txt', 'legacy.txt']);
  assert.equal((await api.call('GET', `/jobs/${jobId}/outputs/stale-only.txt`)).status, 404);
  const served = await api.call<string>('GET', `/jobs/${jobId}/outputs/both.txt`);
  assert.equal(served.status, 200);
  assert.equal(served.body, 'from attempt 2');
});

test('a job ended without a recorded result (by the sweeper, say) lists none of its runs’ files', async () => {
  const jobId = (await api.call<{ job_id: string }>('POST', '/jobs', { body: { prompt: 'ended by another' } })).body.job_id;
  await claimJob(api.store, (await api.store.get(jobId))!);
  await put(jobId, 'unrecorded.txt', 'uploaded by a run that never recorded', 1);
  assert.ok(await api.store.finish(jobId, 'failed', { error: { code: 'timeout', message: 'past its hard deadline' } }));
  const listed = await api.call<Files>('GET', `/jobs/${jobId}/outputs`);
  assert.deepEqual(listed.body.files, []);
  assert.equal((await api.call('GET', `/jobs/${jobId}/outputs/unrecorded.txt`)).status, 404);
});
