// The console's Environments view in a real browser against the local stack: linked from the nav,
// it lists the caller's environments (name, setup's first line, secret names, each phase's network
// policy with the defaults), never a secret's value, nor another owner's environment; no CSP
// violation, no serious axe-core finding, and nothing but 127.0.0.1 reached. A job page names its environment
// and shows its setup output and network decisions in the timeline.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Firestore } from '@google-cloud/firestore';
import { FirestoreJobStore } from '../../shared/store/firestore-job-store.js';
import { startStack, type Stack } from '../../dev/stack.js';
import { openBrowser, seriousAxeViolations, type BrowserSession } from '../support/browser.js';
import { requireEmulators } from '../support/test-env.js';

const SECRET = 'console-secret-value-9b2e';
let stack: Stack;
let browser: BrowserSession;

before(async () => {
  stack = await startStack({
    ports: 'free',
    projectId: `console-env-${Date.now().toString(36)}`,
    emulators: requireEmulators(),
    only: ['enqueue'],
    schedules: false,
    env: { LOG_LEVEL: 'WARNING', API_KEYS: `dev:${'k'.repeat(24)},other:${'o'.repeat(24)}` },
  });
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
  await stack?.stop();
});

const put = async (key: string, name: string, spec: unknown) => {
  const res = await fetch(`${stack.apiUrl}/environments/${name}`, { method: 'PUT', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify(spec) });
  assert.equal(res.status, 201, await res.text());
};

test('the nav opens Environments: names, setup first line, secret names and network policies; no secret value, no other owner’s', async () => {
  await put('k'.repeat(24), 'node-app', { setup: '\nnpm ci --ignore-scripts\nnpm run build', secrets: { NPM_TOKEN: SECRET }, network: { agent: { allow: ['@common-dependencies'], methods: ['GET', 'HEAD'] } } });
  await put('k'.repeat(24), 'py-app', { setup: 'pip install -r requirements.txt', network: { setup: 'off', agent: 'on' } });
  await put('o'.repeat(24), 'someone-elses', { setup: 'true' });

  const page = browser.page;
  await page.goto(`${stack.apiUrl}/console`);
  await page.getByLabel('API key').fill('k'.repeat(24));
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Jobs' }).waitFor();
  await page.getByRole('link', { name: 'Environments' }).click();
  await page.getByRole('heading', { name: 'Environments' }).waitFor();
  await page.locator('tr[data-environment="py-app"]').waitFor();

  const node = page.locator('tr[data-environment="node-app"]');
  assert.match((await node.textContent())!, /node-app/);
  assert.equal(await node.locator('.setup-line').textContent(), 'npm ci --ignore-scripts');
  assert.equal(await node.locator('td.secrets').textContent(), 'NPM_TOKEN');
  assert.equal(await node.locator('td.network-setup').textContent(), 'on', 'setup defaults to on');
  assert.equal(await node.locator('td.network-agent').textContent(), 'allow @common-dependencies (GET, HEAD)');
  const py = page.locator('tr[data-environment="py-app"]');
  assert.equal(await py.locator('td.network-setup').textContent(), 'off');
  assert.equal(await py.locator('td.network-agent').textContent(), 'on');
  assert.equal(await page.locator('tr[data-environment]').count(), 2, 'only the caller’s');
  assert.ok(!(await page.content()).includes(SECRET));
  assert.equal(await page.getByRole('link', { name: 'Environments' }).getAttribute('aria-current'), 'page');

  assert.deepEqual(await seriousAxeViolations(page), []);
});

test('a job page names the environment the job runs with, shows setup output and network events, and links to the list', async () => {
  const res = await fetch(`${stack.apiUrl}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'k'.repeat(24) }, body: JSON.stringify({ prompt: 'with env', environment: 'node-app' }) });
  const { job_id } = (await res.json()) as { job_id: string };
  // The events a processor records for the setup phase (no processor runs in this stack).
  const firestore = new Firestore({ projectId: stack.config.GOOGLE_CLOUD_PROJECT });
  const at = new Date().toISOString();
  await new FirestoreJobStore(firestore).appendEvents(job_id, [
    { seq: 1, at, type: 'setup', data: { stage: 'started', cache: 'miss' } },
    { seq: 2, at, type: 'setup', data: { stage: 'output', line: 'added 3 packages in 2s' } },
    { seq: 3, at, type: 'network', data: { phase: 'setup', host: 'registry.npmjs.org', port: 443, method: 'CONNECT', allowed: true } },
    { seq: 4, at, type: 'setup', data: { stage: 'finished', exit_code: 0, duration_ms: 2100, cache: 'saved' } },
    { seq: 5, at, type: 'network', data: { phase: 'agent', host: 'example.com', port: 443, allowed: false, reason: 'the agent policy is off' } },
  ]);
  await firestore.terminate();
  const page = browser.page;
  await page.evaluate((h) => (location.hash = h), `#/jobs/${job_id}`);
  const link = page.locator('a[data-environment="node-app"]');
  await link.waitFor();
  await page.locator('li.event-network').nth(1).waitFor();
  assert.equal(await page.locator('li.event-setup .setup-line').textContent(), 'added 3 packages in 2s');
  assert.match((await page.locator('li.event-setup').last().textContent())!, /finished.*exit 0.*cache saved/);
  const refused = page.locator('li.event-network:has([data-allowed="false"])');
  assert.match((await refused.textContent())!, /agent.*refused.*example\.com:443.*the agent policy is off/);
  assert.match((await page.locator('li.event-network:has([data-allowed="true"])').textContent())!, /setup.*allowed.*CONNECT registry\.npmjs\.org:443/);
  assert.match((await link.locator('xpath=..').textContent())!, /node-app · secrets NPM_TOKEN/);
  await link.click();
  await page.getByRole('heading', { name: 'Environments' }).waitFor();
  assert.ok(!(await page.content()).includes(SECRET));
});

test('nothing left the machine; no CSP violation or page error', () => {
  assert.deepEqual(browser.requests.filter((u) => new URL(u).hostname !== '127.0.0.1'), []);
  assert.deepEqual(browser.problems, []);
});
