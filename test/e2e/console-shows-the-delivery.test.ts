// The console's Delivery card in a real browser against the local stack: a job that asked for a
// delivery says where its changes will go; a delivered job shows the state, the branch, the commit
// and the pull request linked in a new tab (target=_blank rel=noopener), also in the timeline's
// `delivery` event; a failed delivery shows the host's answer; a URL that is not http(s) is never a
// link. No CSP violation, no serious axe-core finding, nothing but 127.0.0.1 reached. One job runs for
// real (the real codex with the scripted model, git http-backend, the GitHub API stand-in) and its
// page shows the pull request without a reload; the others are written as a processor records them.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Firestore } from '@google-cloud/firestore';
import { startStack, type Stack } from '../../dev/stack.js';
import type { DeliveryResult } from '../../shared/delivery/delivery-schemas.js';
import { newJobDocument, specFromRequest, type JobDocument } from '../../shared/jobs/job-document.js';
import { JobRequestSchema } from '../../shared/jobs/job-request.js';
import { FirestoreJobStore } from '../../shared/store/firestore-job-store.js';
import { openBrowser, seriousAxeViolations, type BrowserSession } from '../support/browser.js';
import { startGitHubWorld, type GitHubWorld } from '../support/github-standin/github-world.js';
import { mkdtempOutsideTemp } from '../support/outside-temp.js';
import { requireEmulators } from '../support/test-env.js';

const KEY = 'd'.repeat(24);
const REPO = 'http://127.0.0.1:9/acme/widgets.git';
let stack: Stack;
let browser: BrowserSession;
let firestore: Firestore;
let world: GitHubWorld;
let standinRepo: string;
/** The running job waits for a file here (outside the temp area: a job sees only its own folder there). */
let gateDir: string;
const TOKEN = `ghp_${randomUUID().replace(/-/g, '')}`;

before(async () => {
  gateDir = mkdtempOutsideTemp('console-delivery-gate-');
  world = await startGitHubWorld({ token: TOKEN });
  standinRepo = (await world.repository('acme', 'widgets')).url;
  stack = await startStack({
    ports: 'free',
    projectId: `console-delivery-${Date.now().toString(36)}`,
    emulators: requireEmulators(),
    only: ['enqueue', 'processor', 'processor-priority'],
    schedules: false,
    env: {
      LOG_LEVEL: 'WARNING', API_KEYS: `dev:${KEY}`, ALLOW_INSECURE_GIT: '1', GIT_ALLOWLIST: '127.0.0.1',
      GIT_CREDENTIALS: `${world.gitHost}=${TOKEN}`, FORGE_HOSTS: `${world.gitHost}=github@${world.api.url}`,
    },
  });
  firestore = new Firestore({ projectId: stack.config.GOOGLE_CLOUD_PROJECT });
  browser = await openBrowser();
  const page = browser.page;
  await page.goto(`${stack.apiUrl}/console`);
  await page.getByLabel('API key').fill(KEY);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Jobs' }).waitFor();
});

after(async () => {
  await browser?.close();
  await stack?.stop();
  await firestore?.terminate();
  await world?.close();
  rmSync(gateDir, { recursive: true, force: true });
});

const request = (branch: string) => JobRequestSchema.parse({ prompt: 'Fix the README', workspace: { git: { url: REPO, ref: 'main' } }, delivery: { branch, pull_request: true } });

/** A completed job of `dev` whose changes were delivered as `delivery` says, with its `delivery` event. */
async function deliveredJob(delivery: DeliveryResult): Promise<string> {
  const jobId = randomUUID();
  const queued = newJobDocument(specFromRequest(request(delivery.branch), { job_id: jobId, owner: 'dev', source: 'http', source_ref: null, lane: 'normal' }), 1);
  const at = new Date().toISOString();
  const done: JobDocument = {
    ...queued,
    status: 'completed',
    started_at: at,
    completed_at: at,
    updated_at: at,
    attempts: 1,
    progress: { stage: 'done', message: 'completed', updated_at: at },
    result: {
      exit_code: 0, final_message: 'Fixed.', stdout: '', stderr: '', execution_time_ms: 3000, output_files: [], created_files: [], thread_id: null,
      usage: { input_tokens: 1, cached_input_tokens: 0, output_tokens: 1, reasoning_output_tokens: 0, total_tokens: 2 },
      delivery,
    },
  };
  const store = new FirestoreJobStore(firestore, 1);
  await store.create(done);
  await store.appendEvents(jobId, [{ seq: 1, at, type: 'delivery', data: delivery }]);
  return jobId;
}

async function openJob(jobId: string): Promise<void> {
  await browser.page.evaluate((h) => (location.hash = h), `#/jobs/${jobId}`);
  await browser.page.locator('h1 code.mono', { hasText: jobId }).waitFor();
  await browser.page.locator('#job-summary dl.facts').waitFor();
}

test('a running job says where its changes will go, then shows the pull request it opened without a reload', async () => {
  const gate = path.join(gateDir, 'open');
  const res = await fetch(`${stack.apiUrl}/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': KEY },
    body: JSON.stringify({ prompt: `Add notes [[cmd:while [ ! -e ${gate} ]; do sleep 0.1; done; printf "notes\\n" > notes.md]] [[final:Added notes.md]]`, workspace: { git: { url: standinRepo, ref: 'main' } }, delivery: { branch: 'codex/pending', pull_request: true } }),
  });
  const text = await res.text();
  assert.equal(res.status, 202, text);
  const { job_id } = JSON.parse(text) as { job_id: string };
  await openJob(job_id);
  const card = browser.page.locator('#job-delivery');
  await card.getByText('The changes are committed on codex/pending and pushed, with a pull request, when the job completes.').waitFor();
  writeFileSync(gate, '');
  const live = browser.page.locator('#job-delivery dl[data-delivery-state="opened"]');
  await live.waitFor();
  assert.equal(world.api.pulls.length, 1);
  const url = `${world.api.url}/acme/widgets/pull/${world.api.pulls[0]!.number}`;
  assert.equal(await live.getByRole('link').getAttribute('href'), url);
  assert.match((await live.textContent())!, /Branchcodex\/pending/);
});

test('a delivered job links its pull request in a new tab, in the Delivery card and the timeline', async () => {
  const url = 'https://github.com/acme/widgets/pull/42';
  const jobId = await deliveredJob({ state: 'opened', branch: 'codex/fix-readme', commit: '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432', pull_request: { url, number: 42 } });
  await openJob(jobId);
  const page = browser.page;
  const card = page.locator('#job-delivery dl[data-delivery-state="opened"]');
  await card.waitFor();
  assert.match((await card.textContent())!, /StatePull request opened.*Branchcodex\/fix-readme.*Commit9f8e7d6c5b4a39281706f5e4d3c2b1a098765432/);
  const link = card.getByRole('link', { name: `#42 ${url}` });
  assert.equal(await link.getAttribute('href'), url);
  assert.equal(await link.getAttribute('target'), '_blank');
  assert.equal(await link.getAttribute('rel'), 'noopener');
  const event = page.locator('li.event-delivery');
  await event.waitFor();
  assert.equal(await event.getByRole('link').getAttribute('href'), url);
  assert.match((await event.textContent())!, /Delivery.*Pull request opened.*codex\/fix-readme/);
  assert.deepEqual(await seriousAxeViolations(page), []);
});

test('a failed delivery shows the host’s answer and no link; a URL that is not http(s) is shown, not linked', async () => {
  const failed = await deliveredJob({ state: 'failed', branch: 'codex/moved', error: 'push rejected: codex/moved moved on the host since the job started' });
  await openJob(failed);
  const card = browser.page.locator('#job-delivery dl[data-delivery-state="failed"]');
  await card.waitFor();
  assert.equal(await card.locator('.delivery-error').textContent(), 'push rejected: codex/moved moved on the host since the job started');
  assert.equal(await card.getByRole('link').count(), 0);

  const odd = await deliveredJob({ state: 'opened', branch: 'codex/odd', pull_request: { url: 'javascript:alert(1)', number: 7 } });
  await openJob(odd);
  const oddCard = browser.page.locator('#job-delivery dl[data-delivery-state="opened"]');
  await oddCard.waitFor();
  await browser.page.locator('li.event-delivery').waitFor();
  assert.equal(await browser.page.locator('#job-delivery a, li.event-delivery a').count(), 0);
  assert.match((await oddCard.textContent())!, /#7 javascript:alert\(1\)/);
});

test('nothing left the machine; no CSP violation or page error', () => {
  assert.deepEqual(browser.requests.filter((u) => new URL(u).hostname !== '127.0.0.1'), []);
  assert.deepEqual(browser.problems, []);
});
