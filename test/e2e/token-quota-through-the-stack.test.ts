// Issue 25's "done when", through the stack with the real codex binary: with QUOTAS
// `*:tokens_per_day=1000`, a key whose job used 1000 tokens today gets 429 quota_exceeded with
// Retry-After to the next UTC midnight, and GET /usage shows those tokens and their cost.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Firestore } from '@google-cloud/firestore';
import { startStack, type Stack } from '../../dev/stack.js';
import type { UsageReport } from '../../shared/usage/usage-report.js';
import { eventually, requireEmulators } from '../support/test-env.js';
import { waitForJob } from '../support/wait-for-job.js';

const WEBHOOK_SECRET = 'whsec_' + Buffer.from('e2e-usage-webhook-secret-0123456789').toString('base64');
let stack: Stack;
let firestore: Firestore;
let workDir: string;

before(async () => {
  const hosts = requireEmulators();
  workDir = mkdtempSync(path.join(os.tmpdir(), 'e2e-usage-'));
  stack = await startStack({
    ports: 'free',
    projectId: `e2e-usage-${Date.now().toString(36)}`,
    emulators: { pubsub: hosts.pubsub, firestore: hosts.firestore, storage: hosts.storage },
    env: { TMPDIR: workDir, WEBHOOK_SECRET, LOG_LEVEL: 'WARNING', QUOTAS: '*:tokens_per_day=1000', MODEL_PRICES: 'offline-scripted-model=1.25:0.125:10' },
  });
  firestore = new Firestore({ projectId: stack.config.GOOGLE_CLOUD_PROJECT });
});

after(async () => {
  await stack?.stop();
  await firestore?.terminate();
  rmSync(workDir, { recursive: true, force: true });
});

const api = (p: string, init: RequestInit = {}) =>
  fetch(`${stack.apiUrl}${p}`, { ...init, headers: { 'content-type': 'application/json', 'x-api-key': stack.devApiKey, ...(init.headers as Record<string, string>) } });

test('a key that used its 1000 tokens today gets 429 quota_exceeded until midnight UTC; GET /usage shows the tokens and their cost', async () => {
  const res = await api('/jobs', { method: 'POST', body: JSON.stringify({ prompt: 'Spend the day. [[tokens:1000]] [[final:Spent.]]' }) });
  assert.equal(res.status, 202);
  const { job_id } = (await res.json()) as { job_id: string };
  const done = await waitForJob(firestore, job_id);
  assert.equal(done.status, 'completed', JSON.stringify(done.error));
  const usage = done.result!.usage;
  assert.ok(usage.total_tokens >= 1000, `the job used ${usage.total_tokens} tokens`);
  const expectedCost = Math.round(((usage.input_tokens - usage.cached_input_tokens) * 1.25 + usage.cached_input_tokens * 0.125 + usage.output_tokens * 10)) / 1e6;
  assert.equal(usage.cost_usd, expectedCost);

  // The notifier counts the job once its result passes through codex-results.
  const today = new Date().toISOString().slice(0, 10);
  const report = await eventually(
    async () => {
      const r = (await (await api(`/usage?from=${today}&to=${today}`)).json()) as UsageReport;
      return r.days[0]!.total_tokens > 0 ? r : undefined;
    },
    'usage recorded',
    30_000,
    100,
  );
  assert.equal(report.days[0]!.total_tokens, usage.total_tokens);
  assert.equal(report.days[0]!.jobs, 1);
  assert.equal(report.days[0]!.cost_usd, expectedCost);
  assert.equal(report.quotas.tokens_per_day?.remaining, 0);

  const refused = await api('/jobs', { method: 'POST', body: JSON.stringify({ prompt: 'One more.' }) });
  assert.equal(refused.status, 429);
  const body = (await refused.json()) as { error: { code: string; details: { field: string }[] } };
  assert.equal(body.error.code, 'quota_exceeded');
  assert.equal(body.error.details[0]!.field, 'tokens_per_day');
  const now = new Date();
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  assert.ok(Math.abs(Number(refused.headers.get('retry-after')) - (midnight - now.getTime()) / 1000) <= 5);
});
