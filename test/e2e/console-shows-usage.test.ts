// The console's Usage view in a real browser against the local stack with the real codex binary:
// after a job spends [[tokens:N]], the nav opens Usage, today's bar names the date, the tokens and
// the cost in its accessible label, and each quota shows what remains; no CSP violation, no serious
// axe-core finding, and nothing but 127.0.0.1 reached.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Firestore } from '@google-cloud/firestore';
import { startStack, type Stack } from '../../dev/stack.js';
import type { UsageReport } from '../../shared/usage/usage-report.js';
import { openBrowser, seriousAxeViolations, type BrowserSession } from '../support/browser.js';
import { eventually, requireEmulators } from '../support/test-env.js';
import { waitForJob } from '../support/wait-for-job.js';

let stack: Stack;
let firestore: Firestore;
let browser: BrowserSession;
let workDir: string;

before(async () => {
  const hosts = requireEmulators();
  workDir = mkdtempSync(path.join(os.tmpdir(), 'e2e-console-usage-'));
  stack = await startStack({
    ports: 'free',
    projectId: `console-usage-${Date.now().toString(36)}`,
    emulators: { pubsub: hosts.pubsub, firestore: hosts.firestore, storage: hosts.storage },
    env: { TMPDIR: workDir, LOG_LEVEL: 'WARNING', QUOTAS: '*:tokens_per_day=1000000,jobs_per_day=50', MODEL_PRICES: 'offline-scripted-model=1.25:0.125:10' },
  });
  firestore = new Firestore({ projectId: stack.config.GOOGLE_CLOUD_PROJECT });
  browser = await openBrowser();
});

after(async () => {
  await browser?.close();
  await stack?.stop();
  await firestore?.terminate();
  rmSync(workDir, { recursive: true, force: true });
});

const api = (p: string, init: RequestInit = {}) =>
  fetch(`${stack.apiUrl}${p}`, { ...init, headers: { 'content-type': 'application/json', 'x-api-key': stack.devApiKey, ...(init.headers as Record<string, string>) } });

test('the nav opens Usage: today’s bar is labelled with the date, tokens and cost; quotas show what remains', async () => {
  const res = await api('/jobs', { method: 'POST', body: JSON.stringify({ prompt: 'Spend some. [[tokens:1500]] [[final:Spent.]]' }) });
  assert.equal(res.status, 202);
  const { job_id } = (await res.json()) as { job_id: string };
  const done = await waitForJob(firestore, job_id);
  assert.equal(done.status, 'completed', JSON.stringify(done.error));
  const today = new Date().toISOString().slice(0, 10);
  const report = await eventually(
    async () => {
      const r = (await (await api('/usage')).json()) as UsageReport;
      return r.days.at(-1)!.total_tokens > 0 ? r : undefined;
    },
    'usage recorded',
    30_000,
    100,
  );
  const day = report.days.at(-1)!;
  assert.equal(day.date, today);
  assert.equal(day.total_tokens, done.result!.usage.total_tokens);
  const tokens = new Intl.NumberFormat('en').format(day.total_tokens);
  const remaining = new Intl.NumberFormat('en').format(1_000_000 - day.total_tokens);

  const page = browser.page;
  await page.goto(`${stack.apiUrl}/console`);
  await page.getByLabel('API key').fill(stack.devApiKey);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Jobs' }).waitFor();
  await page.getByRole('link', { name: 'Usage' }).click();
  await page.getByRole('heading', { name: 'Usage', level: 1 }).waitFor();
  const bar = page.locator(`g.usage-bar[data-date="${today}"]`);
  await bar.waitFor();

  assert.equal(await page.locator('g.usage-bar').count(), report.days.length);
  const label = (await bar.getAttribute('aria-label'))!;
  const cost = day.cost_usd.toFixed(day.cost_usd < 0.01 ? 6 : 2); // the view's rule: sub-cent costs keep micro-dollars
  assert.equal(label, `${today}: ${tokens} tokens, $${cost}, 1 job`);
  assert.ok(day.cost_usd > 0, 'the scripted model is priced');
  assert.equal(await bar.locator('title').textContent(), label);
  assert.ok(Number(await bar.locator('rect.usage-bar-fill').getAttribute('height')) > 0, 'today’s bar has a height');
  assert.equal(await page.locator('tr[data-quota="tokens_per_day"] td.remaining').textContent(), `${remaining} left`);
  assert.equal(await page.locator('tr[data-quota="jobs_per_day"] td.remaining').textContent(), '49 left');
  assert.match((await page.locator('dl.usage-totals').textContent())!, new RegExp(`Total tokens${tokens}`));
  assert.equal(await page.getByRole('link', { name: 'Usage' }).getAttribute('aria-current'), 'page');

  assert.deepEqual(await seriousAxeViolations(page), []);
});

test('nothing left the machine; no CSP violation or page error', () => {
  assert.deepEqual(browser.requests.filter((u) => new URL(u).hostname !== '127.0.0.1'), []);
  assert.deepEqual(browser.problems, []);
});
