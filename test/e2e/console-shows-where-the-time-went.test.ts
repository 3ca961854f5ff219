// The job page's "Where the time went" in a real browser against the local stack with the real codex
// binary: a job that runs a command and calls a webhook on 127.0.0.1 shows its queue wait, the
// processor's stages from its `stages` event (claim, workspace, turn, outputs, …) and the webhook
// delivered, each with a start from the submit and a duration that add up to what the document says;
// no CSP violation, no serious axe-core finding, nothing but 127.0.0.1 reached.
// UPDATE_SCREENSHOTS=1 refreshes docs/images/console-stage-timeline.png (docs/OBSERVABILITY.md).
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { Firestore } from '@google-cloud/firestore';
import { startStack, type Stack } from '../../dev/stack.js';
import { openBrowser, seriousAxeViolations, type BrowserSession } from '../support/browser.js';
import { requireEmulators } from '../support/test-env.js';
import { waitForJob } from '../support/wait-for-job.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let stack: Stack;
let firestore: Firestore;
let browser: BrowserSession;
let workDir: string;
let receiver: http.Server;

before(async () => {
  const hosts = requireEmulators();
  workDir = mkdtempSync(path.join(os.tmpdir(), 'e2e-console-stages-'));
  receiver = http.createServer((req, res) => req.resume().on('end', () => res.writeHead(204).end()));
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  stack = await startStack({
    ports: 'free',
    projectId: `console-stages-${Date.now().toString(36)}`,
    emulators: { pubsub: hosts.pubsub, firestore: hosts.firestore, storage: hosts.storage },
    env: { TMPDIR: workDir, LOG_LEVEL: 'WARNING' },
    schedules: false,
  });
  firestore = new Firestore({ projectId: stack.config.GOOGLE_CLOUD_PROJECT });
  browser = await openBrowser();
});

after(async () => {
  await browser?.close();
  await stack?.stop();
  await firestore?.terminate();
  await new Promise<void>((r) => receiver.close(() => r()));
  rmSync(workDir, { recursive: true, force: true });
});

const seconds = (text: string): number => {
  const m = /^\+?(\d+(?:\.\d+)?) (ms|s)$/.exec(text.trim());
  assert.ok(m, `a duration the console writes: ${text}`);
  return Number(m[1]) / (m[2] === 'ms' ? 1000 : 1);
};

test('the job page shows the queue wait, each stage of the run and the webhook, with durations', async () => {
  const res = await fetch(`${stack.apiUrl}/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': stack.devApiKey },
    body: JSON.stringify({ prompt: 'Write a file. [[cmd:echo done > result.md]] [[final:Wrote result.md.]]', callback_url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook` }),
  });
  assert.equal(res.status, 202);
  const { job_id } = (await res.json()) as { job_id: string };
  const done = await waitForJob(firestore, job_id, (j) => j.callback?.state === 'delivered');
  assert.equal(done.status, 'completed', JSON.stringify(done.error));

  const page = browser.page;
  await page.goto(`${stack.apiUrl}/console#/jobs/${job_id}`);
  await page.getByLabel('API key').fill(stack.devApiKey);
  await page.keyboard.press('Enter');
  const card = page.locator('section[aria-labelledby="stages-title"]');
  await card.getByRole('heading', { name: 'Where the time went' }).waitFor();
  await card.locator('tr[data-stage="job.turn"]').waitFor(); // the stages event came in over the stream
  await card.locator('tr[data-stage="webhook"]').waitFor();

  const rows = await card.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => ({
    key: (tr as HTMLElement).dataset.stage!,
    label: tr.querySelector('th')!.textContent!,
    start: tr.querySelector('.stage-start')!.textContent!,
    duration: tr.querySelector('.stage-duration')!.firstChild!.textContent!,
    note: tr.querySelector('.stage-note')?.textContent ?? '',
    bar: Number(tr.querySelector('rect.stage-bar-fill')?.getAttribute('width') ?? 0),
  })));
  const keys = rows.map((r) => r.key);
  assert.equal(keys[0], 'queue');
  assert.equal(keys.at(-1), 'webhook');
  for (const stage of ['job.claim', 'job.workspace', 'job.turn', 'job.outputs']) assert.ok(keys.includes(stage), `${stage} is shown (${keys.join(', ')})`);
  assert.deepEqual(rows.map((r) => r.label).slice(0, 2), ['Queue wait', 'Claim']);
  for (const r of rows) assert.ok(r.bar > 0, `${r.label} has a bar`);
  // The queue wait is the document's created_at → started_at, to the console's precision.
  const queued = (Date.parse(done.started_at!) - Date.parse(done.created_at)) / 1000;
  assert.ok(Math.abs(seconds(rows[0]!.duration) - queued) <= Math.max(0.05, queued * 0.05), `queue wait ${rows[0]!.duration} vs ${queued} s`);
  // Stages start in order, each after the last began.
  const starts = rows.slice(1, -1).map((r) => seconds(r.start));
  assert.deepEqual([...starts].sort((a, b) => a - b), starts);
  const webhook = rows.at(-1)!;
  assert.equal(webhook.note, ` · delivered after ${done.callback!.attempts} attempt${done.callback!.attempts === 1 ? '' : 's'}`);
  assert.ok(seconds(webhook.start) >= starts.at(-1)!, 'the webhook starts when the job has ended');

  assert.deepEqual(await seriousAxeViolations(page), []);
  const shot = path.join(workDir, 'console-stage-timeline.png');
  await card.screenshot({ path: shot });
  assert.equal(readFileSync(shot).subarray(1, 4).toString(), 'PNG');
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    mkdirSync(path.join(repoRoot, 'docs/images'), { recursive: true });
    copyFileSync(shot, path.join(repoRoot, 'docs/images/console-stage-timeline.png'));
  }
});

test('nothing left the machine; no CSP violation or page error', () => {
  assert.deepEqual(browser.requests.filter((u) => new URL(u).hostname !== '127.0.0.1'), []);
  assert.deepEqual(browser.problems, []);
});
