// Over a token quota, POST /jobs and rerun answer 429 quota_exceeded with Retry-After to the next
// UTC midnight and a detail naming the quota; another key is unaffected.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { resultMessageSchema } from '../../../shared/jobs/result-message.js';
import { FirestoreUsageLedger } from '../../../shared/usage/usage-ledger.js';
import { startApi, KEYS, type ApiServer } from './support/api-server.js';
import { assertResponsesMatchDocument, recordResponse } from './support/openapi-conformance.js';

type ErrorBody = { error: { code: string; message: string; details?: { field: string; message: string }[] } };
let api: ApiServer;
before(async () => {
  api = await startApi({ env: { QUOTAS: '*:tokens_per_day=1000' } });
});
after(() => api.close());

test('a key whose jobs used 1000 tokens today gets 429 quota_exceeded until the next UTC midnight', async () => {
  const first = await api.call<{ job_id: string }>('POST', '/jobs', { body: { prompt: 'spend' } });
  assert.equal(first.status, 202);
  const now = new Date();
  const usage = { input_tokens: 800, cached_input_tokens: 0, output_tokens: 200, reasoning_output_tokens: 0, total_tokens: 1000, cost_usd: 0.003 };
  await new FirestoreUsageLedger(api.env.firestore, 30).record(
    resultMessageSchema.parse({ job_id: first.body.job_id, status: 'completed', exit_code: 0, final_message: '', stdout: '', stderr: '', execution_time_ms: 10, output_files: [], usage, completed_at: now.toISOString(), owner: 'alice' }),
  );
  for (const [method, path] of [['POST', '/jobs'], ['POST', `/jobs/${first.body.job_id}/rerun`]] as const) {
    const res = await api.call<ErrorBody>(method, path, { body: path === '/jobs' ? { prompt: 'more' } : undefined });
    assert.equal(res.status, 429, path);
    recordResponse({ method, path: path === '/jobs' ? '/jobs' : '/jobs/{id}/rerun', status: res.status, contentType: 'application/json', body: res.body });
    assert.equal(res.body.error.code, 'quota_exceeded');
    assert.equal(res.body.error.details?.[0]?.field, 'tokens_per_day');
    const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
    const retryAfter = Number(res.headers.get('retry-after'));
    const expected = (midnight - Date.now()) / 1000;
    assert.ok(Math.abs(retryAfter - expected) <= 5, `Retry-After ${retryAfter} s, expected about ${expected} s`);
  }
  assert.equal((await api.call('POST', '/jobs', { body: { prompt: 'mine' }, key: KEYS.bob })).status, 202, 'bob has spent nothing');
});

test('the 429 matches the OpenAPI document', async () => {
  assert.ok((await assertResponsesMatchDocument()) >= 1);
});
