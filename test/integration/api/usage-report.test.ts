// GET /usage: the caller's days (zeros where nothing ran), totals and quotas with what remains;
// another owner's usage only for an admin (owner= or owner=*); bad dates are a 400.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { resultMessageSchema } from '../../../shared/jobs/result-message.js';
import type { UsageReport } from '../../../shared/usage/usage-report.js';
import { FirestoreUsageLedger } from '../../../shared/usage/usage-ledger.js';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CodexJobs } from '../../../client/sdk/index.js';
import { runCli } from '../../e2e/client/client-stack.js';
import { startApi, KEYS, type ApiServer } from './support/api-server.js';
import { assertResponsesMatchDocument, recordResponse } from './support/openapi-conformance.js';

let api: ApiServer;
const today = new Date().toISOString().slice(0, 10);
const usage = { input_tokens: 600, cached_input_tokens: 100, output_tokens: 400, reasoning_output_tokens: 0, total_tokens: 1000, cost_usd: 0.004625 };

function result(jobId: string, owner: string, completedAt: string, tokens = usage) {
  return resultMessageSchema.parse({ job_id: jobId, status: 'completed', exit_code: 0, final_message: '', stdout: '', stderr: '', execution_time_ms: 1500, output_files: [], usage: tokens, completed_at: completedAt, owner });
}

before(async () => {
  api = await startApi({ env: { QUOTAS: 'alice:tokens_per_day=1500,jobs_per_day=10;*:tokens_per_month=100000' } });
  const ledger = new FirestoreUsageLedger(api.env.firestore, 30);
  await ledger.record(result('u-a1', 'alice', `${today}T00:00:01.000Z`));
  await ledger.record(result('u-a2', 'alice', `${today}T00:00:02.000Z`, { ...usage, total_tokens: 200, input_tokens: 100, cached_input_tokens: 0, output_tokens: 100, cost_usd: 0.001125 }));
  await ledger.record(result('u-a3', 'alice', '2026-01-15T12:00:00.000Z'));
  await ledger.record(result('u-b1', 'bob', '2026-01-15T13:00:00.000Z'));
});
after(() => api.close());

test("the caller's days, totals and quotas with what remains", async () => {
  const res = await api.call<UsageReport>('GET', `/usage?from=${today}&to=${today}`);
  assert.equal(res.status, 200);
  recordResponse({ method: 'GET', path: '/usage', status: res.status, contentType: 'application/json', body: res.body });
  assert.equal(res.body.owner, 'alice');
  assert.deepEqual(res.body.days, [{ date: today, jobs: 2, input_tokens: 700, cached_input_tokens: 100, output_tokens: 500, total_tokens: 1200, cost_usd: 0.00575, run_seconds: 3 }]);
  assert.equal(res.body.totals.total_tokens, 1200);
  const daily = res.body.quotas.tokens_per_day!;
  assert.deepEqual({ limit: daily.limit, used: daily.used, remaining: daily.remaining }, { limit: 1500, used: 1200, remaining: 300 });
  assert.equal(daily.resets_at, new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString());
  assert.equal(res.body.quotas.tokens_per_month, undefined, "alice's own entry replaces the * entry");
});

test('a range shows every day, zeros where nothing ran, and sums them', async () => {
  const res = await api.call<UsageReport>('GET', '/usage?from=2026-01-14&to=2026-01-16');
  assert.deepEqual(res.body.days.map((d) => [d.date, d.total_tokens]), [['2026-01-14', 0], ['2026-01-15', 1000], ['2026-01-16', 0]]);
  assert.equal(res.body.totals.jobs, 1);
  assert.equal(res.body.totals.cost_usd, 0.004625);
});

test("another owner's usage only for an admin; owner=* sums every owner", async () => {
  assert.equal((await api.call('GET', '/usage?owner=bob')).status, 403);
  const bob = await api.call<UsageReport>('GET', '/usage?owner=bob&from=2026-01-15&to=2026-01-15', { key: KEYS.root });
  assert.equal(bob.status, 200);
  assert.equal(bob.body.days[0]!.total_tokens, 1000);
  assert.ok(bob.body.quotas.tokens_per_month, 'bob has the * quotas');
  const all = await api.call<UsageReport>('GET', '/usage?owner=*&from=2026-01-15&to=2026-01-15', { key: KEYS.root });
  assert.equal(all.body.owner, '*');
  assert.equal(all.body.days[0]!.total_tokens, 2000);
  assert.equal(all.body.days[0]!.jobs, 2);
  const mine = await api.call<UsageReport>('GET', '/usage?from=2026-01-15&to=2026-01-15', { key: KEYS.bob });
  assert.equal(mine.body.days[0]!.total_tokens, 1000, 'bob sees only his own');
});

test('bad dates and ranges are a 400 naming the field', async () => {
  for (const q of ['from=2026-02-30', 'from=2026-03-01&to=2026-02-01', 'from=2020-01-01&to=2026-01-01', 'to=tomorrow', 'extra=1']) {
    const res = await api.call<{ error: { code: string; details?: { field: string }[] } }>('GET', `/usage?${q}`);
    assert.equal(res.status, 400, q);
    assert.equal(res.body.error.code, 'bad_request');
  }
});

test('SDK usage.get and the CLI `codex-jobs usage` (a table, and -o json)', async () => {
  const sdk = new CodexJobs({ url: api.url, apiKey: KEYS.alice });
  const report = await sdk.usage.get({ from: '2026-01-15', to: '2026-01-15' });
  assert.equal(report.days[0]!.total_tokens, 1000);
  const home = await mkdtemp(path.join(os.tmpdir(), 'usage-cli-'));
  try {
    const env = { CODEX_JOBS_URL: api.url, CODEX_JOBS_API_KEY: KEYS.alice };
    const json = await runCli(['-o', 'json', 'usage', '--from', '2026-01-14', '--to', '2026-01-16'], { home, env });
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual((JSON.parse(json.stdout) as UsageReport).days.map((d) => d.total_tokens), [0, 1000, 0]);
    const human = await runCli(['usage', '--from', '2026-01-14', '--to', '2026-01-16'], { home, env });
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /usage of alice: 1 job\(s\), 1000 tokens, \$0\.004625/);
    assert.match(human.stdout, /2026-01-15\s+1\s+600\s+100\s+400\s+1000\s+0\.004625\s+1\.5/);
    assert.match(human.stdout, /tokens_per_day \d+\/1500, \d+ left/);
    const bad = await runCli(['usage', '--from', 'yesterday'], { home, env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--from takes a date YYYY-MM-DD/);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});

test('the answers match the OpenAPI document', async () => {
  assert.ok((await assertResponsesMatchDocument()) >= 1);
});
