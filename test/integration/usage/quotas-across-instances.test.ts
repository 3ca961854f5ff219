// Quotas hold across instances: counted in Firestore, not memory. Four instances (four Firestore
// clients) admitting a burst of one owner's jobs admit exactly jobs_per_day; the token quotas read
// what ended jobs recorded, and the remainder caps a job's tokens.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Firestore } from '@google-cloud/firestore';
import { firestoreClient } from '../../../shared/clients.js';
import { parseConfig } from '../../../shared/config.js';
import { resultMessageSchema } from '../../../shared/jobs/result-message.js';
import { FirestoreUsageLedger } from '../../../shared/usage/usage-ledger.js';
import { admitNewJob, QuotaExceeded, tokensRemaining } from '../../../shared/usage/submit-quota.js';
import { testEnv, type TestEnv } from '../../support/test-env.js';

let env: TestEnv;
let instances: Firestore[];
before(async () => {
  env = await testEnv();
  instances = Array.from({ length: 4 }, () => firestoreClient(env.config));
});
after(async () => {
  await Promise.allSettled(instances.map((db) => db.terminate()));
  await env.close();
});

function spent(jobId: string, owner: string, tokens: number, completedAt: Date) {
  return resultMessageSchema.parse({ job_id: jobId, status: 'completed', exit_code: 0, final_message: '', stdout: '', stderr: '', execution_time_ms: 10, output_files: [], usage: { input_tokens: tokens, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0, total_tokens: tokens }, completed_at: completedAt.toISOString(), owner });
}

test('a burst of 20 submissions over four instances admits exactly jobs_per_day', async () => {
  const { QUOTAS } = parseConfig({ QUOTAS: 'burst:jobs_per_day=5' });
  const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => admitNewJob(instances[i % 4]!, QUOTAS, 'burst')));
  const admitted = outcomes.filter((o) => o.status === 'fulfilled').length;
  const refused = outcomes.filter((o) => o.status === 'rejected' && o.reason instanceof QuotaExceeded);
  const other = outcomes.filter((o) => o.status === 'rejected' && !(o.reason instanceof QuotaExceeded));
  assert.deepEqual(other, [], 'no other failure');
  assert.equal(admitted, 5);
  assert.equal(refused.length, 15);
  const q = (refused[0] as PromiseRejectedResult).reason as QuotaExceeded;
  assert.equal(q.quota, 'jobs_per_day');
});

test('tokens_per_day: refused once the day used it, with the next UTC midnight as the reset; another owner is unaffected', async () => {
  const { QUOTAS } = parseConfig({ QUOTAS: '*:tokens_per_day=1000' });
  const now = new Date();
  const ledger = new FirestoreUsageLedger(instances[0]!, 30);
  await ledger.record(spent('t-1', 'spender', 600, now));
  await admitNewJob(instances[1]!, QUOTAS, 'spender', now);
  assert.equal(await tokensRemaining(instances[2]!, QUOTAS, 'spender', now), 400);
  await ledger.record(spent('t-2', 'spender', 400, now));
  const err = await admitNewJob(instances[3]!, QUOTAS, 'spender', now).then(() => null, (e: unknown) => e);
  assert.ok(err instanceof QuotaExceeded, String(err));
  assert.equal(err.quota, 'tokens_per_day');
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  assert.equal(err.resetsAt.getTime(), midnight);
  assert.equal(err.retryAfterSeconds(now), Math.ceil((midnight - now.getTime()) / 1000));
  assert.equal(await tokensRemaining(instances[0]!, QUOTAS, 'spender', now), 0);
  await admitNewJob(instances[0]!, QUOTAS, 'someone-else', now);
});

test('tokens_per_month sums the days of the UTC month', async () => {
  const { QUOTAS } = parseConfig({ QUOTAS: 'monthly:tokens_per_month=1500' });
  const now = new Date();
  const ledger = new FirestoreUsageLedger(instances[0]!, 30);
  const firstOfMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1, 0, 0, 1));
  const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0, 12));
  await ledger.record(spent('m-0', 'monthly', 5000, lastMonth));
  await ledger.record(spent('m-1', 'monthly', 1000, firstOfMonth));
  assert.equal(await tokensRemaining(instances[1]!, QUOTAS, 'monthly', now), 500, "last month's tokens do not count");
  await ledger.record(spent('m-2', 'monthly', 500, now));
  const err = await admitNewJob(instances[2]!, QUOTAS, 'monthly', now).then(() => null, (e: unknown) => e);
  assert.ok(err instanceof QuotaExceeded);
  assert.equal(err.quota, 'tokens_per_month');
  assert.equal(err.resetsAt.getTime(), Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
});
