// The web console in a real browser (Debian's Chromium, headless, driven by playwright-core) against
// the local stack: sign in, follow a job from the list to completed without a reload, download an
// output, cancel, rerun, read the diff, filter and page the list, read the queue stats, and only
// ever talk to 127.0.0.1 with no CSP violation and no serious axe-core finding.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { Firestore } from '@google-cloud/firestore';
import { startStack, type Stack } from '../../dev/stack.js';
import { newJobDocument, specFromRequest } from '../../shared/jobs/job-document.js';
import { derivedJobId } from '../../shared/jobs/job-id.js';
import { JobRequestSchema } from '../../shared/jobs/job-request.js';
import { FirestoreJobStore } from '../../shared/store/firestore-job-store.js';
import { mkdtempOutsideTemp } from '../support/outside-temp.js';
import { prefixProxy } from '../support/prefix-proxy.js';
import { openBrowser, seriousAxeViolations, type BrowserSession } from '../support/browser.js';
import { requireEmulators } from '../support/test-env.js';
import { waitForJob } from '../support/wait-for-job.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let stack: Stack;
let firestore: Firestore;
let browser: BrowserSession;
let workDir: string;
let shotsDir: string;
/** The job's gate file lives outside the temp area: a job sees only its own folder there. */
let gateDir: string;
let consoleUrl: string;
let completedJob: string;
const axeFindings: string[] = [];

before(async () => {
  const hosts = requireEmulators();
  workDir = mkdtempSync(path.join(os.tmpdir(), 'console-e2e-'));
  shotsDir = mkdtempSync(path.join(os.tmpdir(), 'console-shots-'));
  gateDir = mkdtempOutsideTemp('console-gate-');
  stack = await startStack({
    ports: 'free',
    projectId: `console-${Date.now().toString(36)}`,
    emulators: { pubsub: hosts.pubsub, firestore: hosts.firestore, storage: hosts.storage },
    env: { TMPDIR: workDir, LOG_LEVEL: 'WARNING' },
    schedules: false,
  });
  firestore = new Firestore({ projectId: stack.config.GOOGLE_CLOUD_PROJECT });
  browser = await openBrowser();
  consoleUrl = `${stack.apiUrl}/console`;
});

after(async () => {
  await browser?.close();
  await stack?.stop();
  await firestore?.terminate();
  rmSync(workDir, { recursive: true, force: true });
  rmSync(shotsDir, { recursive: true, force: true });
  rmSync(gateDir, { recursive: true, force: true });
});

const api = async <T>(p: string, init: RequestInit = {}): Promise<T> => {
  const res = await fetch(`${stack.apiUrl}${p}`, { ...init, headers: { 'content-type': 'application/json', 'x-api-key': stack.devApiKey } });
  return (await res.json()) as T;
};
const submit = async (body: Record<string, unknown>) => (await api<{ job_id: string }>('/jobs', { method: 'POST', body: JSON.stringify(body) })).job_id;
const routes = async () => Object.keys((await api<{ paths: Record<string, unknown> }>('/openapi.json')).paths);
const page = () => browser.page;
const go = (hash: string) => page().evaluate((h) => (location.hash = h), hash);
const jobStatus = (status: string) => page().locator(`body[data-job-status="${status}"]`).waitFor();
/** Waits until the list shows `count` rows (any number > 0 when undefined), each containing `text`. */
const listShows = (count: number | undefined, text = '') =>
  page().waitForFunction(
    ([n, t]) => {
      const rows = Array.from(document.querySelectorAll('table.jobs tbody tr'));
      return rows.length > 0 && (n === undefined || rows.length === n) && rows.every((r) => r.textContent!.includes(t as string));
    },
    [count, text] as const,
  );

async function axe(view: string): Promise<void> {
  for (const v of await seriousAxeViolations(page())) axeFindings.push(`${view}: ${v}`);
}

async function screenshot(name: string): Promise<void> {
  const file = path.join(shotsDir, name);
  await page().screenshot({ path: file, fullPage: name.includes('job-page') });
  assert.ok(readFileSync(file).subarray(1, 4).toString() === 'PNG');
  // UPDATE_SCREENSHOTS=1 refreshes the README's pictures (docs/console/).
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    mkdirSync(path.join(repoRoot, 'docs/console'), { recursive: true });
    copyFileSync(file, path.join(repoRoot, 'docs/console', name));
  }
}

test('GET /console serves the page with a strict CSP; the key is asked for and kept in sessionStorage only', async () => {
  const res = await page().goto(consoleUrl);
  const csp = res!.headers()['content-security-policy'] ?? '';
  for (const directive of ["default-src 'self'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]) assert.ok(csp.includes(directive), csp);
  assert.ok(!csp.includes('unsafe-inline'));
  await page().getByLabel('API key').waitFor();
  await axe('sign-in');

  await page().getByLabel('API key').fill('not-the-key');
  await page().getByRole('button', { name: 'Sign in' }).click();
  await page().getByText('That key was not accepted by the API.').waitFor();
  await page().getByLabel('API key').fill(stack.devApiKey);
  await page().keyboard.press('Enter');
  await page().getByRole('heading', { name: 'Jobs' }).waitFor();

  const stored = await page().evaluate(() => ({ session: Object.entries(sessionStorage), local: localStorage.length, cookie: document.cookie, url: location.href }));
  assert.deepEqual(stored.session, [['codex-jobs.api-key', stack.devApiKey]]);
  assert.equal(stored.local, 0);
  assert.equal(stored.cookie, '');
  assert.ok(!stored.url.includes(stack.devApiKey));
});

test('a new job appears in the list and goes processing → completed on its page without a reload', async () => {
  const gate = path.join(gateDir, 'gate-first-job');
  // The job's command waits for the gate file, so the test sees it processing, then lets it finish.
  completedJob = await submit({
    prompt: `Write notes. [[cmd:while [ ! -e ${gate} ]; do sleep 0.1; done; printf 'hello\\nconsole\\n' > notes.md && printf '\\000\\001\\002\\377' > blob.bin]] [[final:Notes written.]] [[tokens:1500]]`,
    max_total_tokens: 50_000,
    metadata: { demo: 'console' },
  });
  await page().evaluate(() => ((window as unknown as { loadedOnce: boolean }).loadedOnce = true));
  const row = page().locator(`tr[data-job-id="${completedJob}"]`);
  await page().locator(`tr[data-job-id="${completedJob}"][data-status="processing"]`).waitFor();
  await row.getByRole('link').click();
  await jobStatus('processing');
  await page().locator('#timeline .event-claimed').waitFor();
  await page().getByText('Live: following the event stream.').waitFor();

  writeFileSync(gate, '');
  await jobStatus('completed');
  assert.equal(await page().evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce), true, 'the page was not reloaded');
  await page().locator('#timeline .event-command .exit-ok', { hasText: 'exit 0' }).waitFor();
  await page().locator('#timeline .event-agent_message', { hasText: 'Notes written.' }).waitFor();
  await page().locator('#timeline .event-token_usage').first().waitFor();
  await page().locator('.final-message', { hasText: 'Notes written.' }).waitFor();
  assert.match((await page().locator('#token-meter-text').textContent())!, /of 50,000 tokens/);
  assert.ok(Number(await page().locator('#token-meter').getAttribute('value')) > 0);
  assert.match((await page().locator('#job-webhook').textContent())!, /No callback_url/);
  assert.match((await page().locator('[data-elapsed]').textContent())!, /\d/);

  const download = page().waitForEvent('download');
  await page().getByRole('button', { name: 'Download notes.md' }).click();
  const file = await (await download).path();
  assert.equal(readFileSync(file, 'utf8'), 'hello\nconsole\n');
  await page().getByRole('button', { name: 'Download blob.bin' }).waitFor();
});

test('the diff view shows each changed file, and names binary files without showing them', async () => {
  if (!(await routes()).includes('/jobs/{id}/changes.patch')) {
    // The patch route is not in this build yet: the page says so instead of breaking.
    await page().locator('#job-diff [data-diff-state="404"]').waitFor();
    await axe('job page');
    await screenshot('job-page.png');
    return;
  }
  await page().locator('#job-diff [data-diff-state="loaded"]').waitFor();
  const notes = page().locator('#job-diff details[data-path="notes.md"]');
  await notes.locator('tr.line-add', { hasText: 'console' }).waitFor();
  assert.match((await notes.locator('summary').textContent())!, /added.*\+2/);
  await page().locator('#job-diff details[data-path="blob.bin"]', { hasText: 'Binary file: not shown.' }).waitFor();
  await axe('job page');
  await screenshot('job-page.png');
});

test('cancel from the job page stops a running job', async () => {
  const id = await submit({ prompt: 'Take your time. [[cmd:sleep 60]]', priority: 'high' });
  await go(`#/jobs/${id}`);
  await jobStatus('processing');
  await page().getByRole('button', { name: 'Cancel job' }).click();
  await jobStatus('cancelled');
  assert.equal(await page().getByRole('button', { name: 'Cancel job' }).isDisabled(), true);
  assert.equal((await waitForJob(firestore, id)).status, 'cancelled');
});

test('rerun from the job page makes a new job of the same request', async () => {
  await go(`#/jobs/${completedJob}`);
  await jobStatus('completed');
  await page().getByRole('button', { name: 'Rerun' }).click();
  if (!(await routes()).includes('/jobs/{id}/rerun')) {
    await page().getByText('This API has no rerun route yet.').waitFor();
    return;
  }
  await page().waitForFunction((old) => !location.hash.includes(old), completedJob);
  const rerun = decodeURIComponent((await page().evaluate(() => location.hash)).split('/').at(-1)!);
  await jobStatus('completed');
  const doc = await waitForJob(firestore, rerun);
  assert.equal(doc.metadata.rerun_of, completedJob);
});

test('a dropped event stream resumes after the last event seen: no event lost or repeated', async () => {
  const asked: string[] = [];
  let events = 0;
  await page().route('**/events', async (route) => {
    asked.push(route.request().headers()['last-event-id'] ?? '');
    if (asked.length > 1) return route.continue();
    // The first connection ends after three events and before `event: end`, as a dropped connection does.
    const blocks = (await (await route.fetch()).text()).split('\n\n').filter((b) => b.startsWith('id: '));
    events = blocks.length;
    await route.fulfill({ status: 200, headers: { 'content-type': 'text/event-stream' }, body: `retry: 100\n\n${blocks.slice(0, 3).join('\n\n')}\n\n` });
  });
  try {
    await go('#/new'); // away first, so the job's page is drawn anew
    await go(`#/jobs/${completedJob}`);
    await page().getByText('Stream ended: the job is completed.').waitFor();
  } finally {
    await page().unroute('**/events');
  }
  assert.deepEqual(asked, ['-1', '2']);
  assert.ok(events > 5);
  const seqs = await page().locator('#timeline li').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.seq)));
  assert.deepEqual(seqs, [...Array(events).keys()]);
});

test('the list filters by status, priority and source and pages with the cursor', async () => {
  // 23 finished scheduler jobs written straight to Firestore: more than one page (20).
  const store = new FirestoreJobStore(firestore, 1);
  for (let i = 0; i < 23; i++) {
    const spec = specFromRequest(JobRequestSchema.parse({ prompt: `nightly report ${i}`, priority: 'low' }), {
      // Derived like a scheduler job's id (UUID-shaped: the list cursor accepts only real job ids).
      job_id: derivedJobId('console-test', 'nightly-report', String(i), String(Date.now())),
      owner: 'dev',
      source: 'scheduler',
      source_ref: 'nightly-report',
      lane: 'normal',
      created_at: new Date(Date.now() - (i + 1) * 60_000).toISOString(),
    });
    const doc = newJobDocument(spec, 1);
    await store.create({ ...doc, status: 'cancelled', completed_at: doc.created_at });
  }
  await go('#/jobs');
  await page().getByLabel('Source').selectOption('scheduler');
  await page().waitForFunction(() => location.hash.includes('source=scheduler'));
  const rows = page().locator('table.jobs tbody tr');
  await listShows(20, 'Schedule');
  await page().getByRole('button', { name: 'Older →' }).click();
  await listShows(3, 'Schedule');
  assert.match((await rows.first().textContent())!, /nightly report 20/);
  await page().getByRole('button', { name: '← Newer' }).click();
  await listShows(20, 'Schedule');
  assert.match((await rows.first().textContent())!, /nightly report 0/);

  await page().getByLabel('Priority').selectOption('high');
  await page().getByText('No jobs match these filters.').waitFor();
  await page().getByLabel('Source').selectOption('');
  await page().getByLabel('Priority').selectOption('');
  await page().getByLabel('Status').selectOption('completed');
  await listShows(undefined, 'Completed');
  await page().locator(`tr[data-job-id="${completedJob}"]`).waitFor();
  const created = page().locator(`tr[data-job-id="${completedJob}"] time`).first();
  assert.match((await created.getAttribute('title'))!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
  assert.match((await created.textContent())!, /ago|now/);
  await page().getByLabel('Status').selectOption('');
  await listShows(20);
  await axe('job list');
  await screenshot('job-list.png');
});

test('a running job keeps its row link while its progress changes: a click on it opens the job', async () => {
  // A processing job written straight to Firestore (no processor holds it), whose progress this test moves.
  const store = new FirestoreJobStore(firestore, 1);
  const spec = specFromRequest(JobRequestSchema.parse({ prompt: 'a long running job' }), { job_id: randomUUID(), owner: 'dev', source: 'http', source_ref: null, lane: 'normal' });
  const queued = newJobDocument(spec, 1);
  await store.create({ ...queued, status: 'processing', started_at: queued.created_at, attempts: 1 });
  await go('#/jobs');
  const row = page().locator(`tr[data-job-id="${spec.job_id}"][data-status="processing"]`);
  await row.waitFor();
  const link = await row.getByRole('link').elementHandle();
  for (let step = 1; step <= 2; step++) {
    await store.setProgress(spec.job_id, 'codex_running', `step ${step}`);
    const { updated_at } = (await store.get(spec.job_id))!;
    // The list has shown this change: the "Last change" cell holds the new time.
    await page().locator(`tr[data-job-id="${spec.job_id}"] td:last-child time[datetime="${updated_at}"]`).waitFor();
    assert.equal(await link!.evaluate((a) => a.isConnected), true, `the link is the same element after progress step ${step}`);
  }
  // Progress keeps changing while the click happens; the element under the pointer stays.
  let moving = true;
  const mover = (async () => {
    for (let n = 0; moving; n++) {
      await store.setProgress(spec.job_id, 'codex_running', `tick ${n}`);
      await new Promise((r) => setTimeout(r, 100)); // the pace of a busy job's progress, not a wait
    }
  })();
  try {
    await link!.click({ timeout: 10_000 });
    await page().waitForFunction((id) => location.hash === `#/jobs/${id}`, spec.job_id);
  } finally {
    moving = false;
    await mover;
  }
  await store.finish(spec.job_id, 'cancelled', {});
});

test('queue stats show the counts the API returns, per status, priority and source', async () => {
  await go('#/stats');
  const stats = await api<{ by_status: Record<string, number>; [k: string]: unknown }>('/queue/stats');
  const breakdowns = Object.keys(stats).filter((k) => k.startsWith('by_'));
  for (const b of breakdowns) await page().locator(`section[data-breakdown="${b}"]`).waitFor();
  assert.equal(await page().locator('section[data-breakdown]').count(), breakdowns.length);
  const cancelled = page().locator('section[data-breakdown="by_status"] tr[data-key="cancelled"] td.num');
  assert.equal(Number((await cancelled.textContent())!.replace(/,/g, '')), stats.by_status.cancelled);
  await axe('queue stats');
});

test('keyboard only: the skip link, then Tab to a job link and Enter opens the job', async () => {
  await go('#/jobs?status=completed');
  // A fresh load: focus starts at the top of the document, as for a person arriving.
  await page().reload();
  await page().locator(`tr[data-job-id="${completedJob}"]`).waitFor();
  await page().keyboard.press('Tab');
  assert.equal(await page().evaluate(() => document.activeElement?.id), 'skip');
  await page().keyboard.press('Enter');
  assert.equal(await page().evaluate(() => document.activeElement?.id), 'main');
  let onLink = false;
  for (let i = 0; i < 40 && !onLink; i++) {
    await page().keyboard.press('Tab');
    onLink = await page().evaluate((id) => document.activeElement?.closest('tr')?.dataset.jobId === id && document.activeElement.tagName === 'A', completedJob);
  }
  assert.ok(onLink, 'the job link is reachable with Tab');
  await page().keyboard.press('Enter');
  await jobStatus('completed');
  assert.equal(await page().evaluate(() => document.activeElement?.tagName), 'H1');
});

test('under a path prefix (as at a GCP function URL) the same page works unchanged', async (t) => {
  const proxy = await prefixProxy(stack.apiUrl, '/enqueue');
  const prefixed = await browser.context.newPage();
  t.after(async () => {
    await prefixed.close();
    await proxy.close();
  });
  await prefixed.goto(`${proxy.url}/console`);
  await prefixed.getByLabel('API key').fill(stack.devApiKey);
  await prefixed.getByRole('button', { name: 'Sign in' }).click();
  await prefixed.locator(`tr[data-job-id="${completedJob}"] a`).click();
  await prefixed.getByText('Stream ended: the job is completed.').waitFor();
  await prefixed.getByRole('button', { name: 'Download notes.md' }).waitFor();
  assert.ok(proxy.paths.length > 5);
  assert.deepEqual(proxy.paths.filter((u) => !u.startsWith('/enqueue/')), [], 'every URL of the page is relative to the prefix');
});

test('the new-job form submits a job and opens it; sign-out forgets the key', async () => {
  await go('#/new');
  await page().getByLabel('Prompt').fill('From the form. [[final:Form job done.]] [[nocmd]]');
  await axe('new job');
  await page().getByRole('button', { name: 'Submit job' }).click();
  await page().locator('.final-message', { hasText: 'Form job done.' }).waitFor();
  await page().getByRole('button', { name: 'Sign out' }).click();
  await page().getByLabel('API key').waitFor();
  assert.equal(await page().evaluate(() => sessionStorage.length), 0);
});

test('nothing left the machine: every request went to 127.0.0.1; no CSP violation, no page error, no serious axe finding', () => {
  const foreign = browser.requests.filter((u) => new URL(u).hostname !== '127.0.0.1');
  assert.deepEqual(foreign, []);
  assert.ok(browser.requests.length > 10);
  assert.deepEqual(browser.problems, []);
  assert.deepEqual(axeFindings, []);
});
