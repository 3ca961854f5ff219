// The whole system, through the real parts: HTTP API → Firestore → Pub/Sub emulator push → processor
// → real codex app-server → outputs in fake-gcs → result.json → codex-results → notifier → a signed
// webhook. Every function runs in its own process under the Functions Framework, as `npm start` runs it.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Firestore } from '@google-cloud/firestore';
import { Webhook } from 'standardwebhooks';
import { startStack, type Stack } from '../../dev/stack.js';
import { emulatorAwareStorage } from '../../shared/clients.js';
import { descendants } from '../../shared/codex/process-tree.js';
import { requireEmulators } from '../support/test-env.js';
import { waitForJob } from '../support/wait-for-job.js';
import { collectTopic } from '../support/test-env.js';
import { PubSub } from '@google-cloud/pubsub';

const WEBHOOK_SECRET = 'whsec_' + Buffer.from('e2e-webhook-secret-0123456789abcdef').toString('base64');
let stack: Stack;
let firestore: Firestore;
let pubsub: PubSub;
let workDir: string;
let receiver: http.Server;
const deliveries: { headers: http.IncomingHttpHeaders; body: string }[] = [];
let onDelivery: () => void = () => undefined;

before(async () => {
  const hosts = requireEmulators();
  workDir = mkdtempSync(path.join(os.tmpdir(), 'e2e-functions-'));
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      deliveries.push({ headers: req.headers, body });
      res.writeHead(204).end();
      onDelivery();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  stack = await startStack({
    ports: 'free',
    projectId: `e2e-${Date.now().toString(36)}`,
    emulators: { pubsub: hosts.pubsub, firestore: hosts.firestore, storage: hosts.storage },
    // TMPDIR of the functions: the processor's job dirs live here, so the test can see they are gone.
    env: { TMPDIR: workDir, WEBHOOK_SECRET, LOG_LEVEL: 'WARNING' },
  });
  firestore = new Firestore({ projectId: stack.config.GOOGLE_CLOUD_PROJECT });
  pubsub = new PubSub({ projectId: stack.config.GOOGLE_CLOUD_PROJECT });
});

after(async () => {
  await stack?.stop();
  await firestore?.terminate();
  await pubsub?.close();
  await new Promise<void>((r) => receiver.close(() => r()));
  rmSync(workDir, { recursive: true, force: true });
});

const api = (p: string, init: RequestInit = {}) =>
  fetch(`${stack.apiUrl}${p}`, { ...init, headers: { 'content-type': 'application/json', 'x-api-key': stack.devApiKey, ...(init.headers as Record<string, string>) } });

test('POST /jobs → completed job with outputs, result.json, one codex-results message and a signed webhook; nothing left behind', async (t) => {
  const results = await collectTopic(pubsub, stack.config.RESULTS_TOPIC);
  t.after(() => results.stop());
  const delivered = new Promise<void>((r) => (onDelivery = r));
  const started = Date.now();
  const res = await api('/jobs', {
    method: 'POST',
    body: JSON.stringify({
      prompt: 'Create a small report. [[cmd:mkdir -p report && printf "# Report\\n" > report/summary.md && printf "{\\"ok\\":true}" > data.json]] [[final:Report written.]]',
      callback_url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
      metadata: { ticket: 'E2E-1' },
    }),
  });
  assert.equal(res.status, 202);
  const queued = (await res.json()) as { job_id: string; status: string; status_url: string; events_url: string };
  assert.equal(queued.status, 'queued');
  assert.equal(queued.status_url, `${stack.apiUrl}/jobs/${queued.job_id}`);

  const done = await waitForJob(firestore, queued.job_id);
  t.diagnostic(`POST → completed in ${Date.now() - started} ms`);
  assert.equal(done.status, 'completed', JSON.stringify(done.error));
  assert.equal(done.owner, 'dev');
  assert.equal(done.attempts, 1);
  assert.equal(done.result?.exit_code, 0);
  assert.equal(done.result?.final_message, 'Report written.');
  assert.ok(done.result!.usage.total_tokens > 0);
  assert.ok(done.result!.execution_time_ms > 0);
  assert.deepEqual(
    done.result?.created_files.map((f) => [f.filename, f.content_type, f.size_bytes]),
    [
      ['data.json', 'application/json', 11],
      ['report/summary.md', 'text/markdown', 9],
    ],
  );

  // The files Codex created are in the outputs bucket with their types; result.json in the results bucket.
  const storage = emulatorAwareStorage(stack.config.GOOGLE_CLOUD_PROJECT);
  const [summaryMeta] = await storage.bucket(stack.config.OUTPUTS_BUCKET).file(`jobs/${queued.job_id}/outputs/report/summary.md`).getMetadata();
  assert.equal(summaryMeta.contentType, 'text/markdown');
  const [resultJson] = await storage.bucket(stack.config.RESULTS_BUCKET).file(`jobs/${queued.job_id}/result.json`).download();
  assert.equal((JSON.parse(resultJson.toString('utf8')) as { status: string }).status, 'completed');

  // GET /jobs/{id} returns the same document.
  const got = (await (await api(`/jobs/${queued.job_id}`)).json()) as { status: string; result: { final_message: string } };
  assert.equal(got.status, 'completed');
  assert.equal(got.result.final_message, 'Report written.');

  // One message on codex-results, and a webhook that verifies with the reference library.
  await delivered;
  const hook = deliveries.find((d) => d.body.includes(queued.job_id))!;
  const payload = new Webhook(WEBHOOK_SECRET).verify(hook.body, hook.headers as Record<string, string>) as { job_id: string; status: string };
  assert.equal(payload.job_id, queued.job_id);
  assert.equal(payload.status, 'completed');
  assert.equal(hook.headers['webhook-id'], `msg_${queued.job_id}`);
  const mine = results.messages.filter((m) => (m.data as { job_id: string }).job_id === queued.job_id);
  assert.equal(mine.length, 1);

  // The workspace and every child process of the processor are gone.
  assert.deepEqual(
    readdirSync(workDir).filter((f) => f.startsWith('codex-job-')),
    [],
  );
  const processor = stack.processes.find((p) => p.name === 'processor')!;
  assert.deepEqual(descendants(processor.child.pid!), [], 'the processor has no child process left');
});

test('high-priority jobs run on the priority lane (processor-priority)', async () => {
  const res = await api('/jobs', { method: 'POST', body: JSON.stringify({ prompt: 'urgent [[final:fast lane]]', priority: 'high' }) });
  const { job_id } = (await res.json()) as { job_id: string };
  const done = await waitForJob(firestore, job_id);
  assert.equal(done.status, 'completed');
  const claimed = await firestore.collection('jobs').doc(job_id).collection('events').where('type', '==', 'claimed').get();
  assert.match(String(claimed.docs[0]?.get('data').holder), /^processor-priority@/);
});

test('a model failure and a timeout end the job failed through the whole pipeline', async () => {
  const failing = (await (await api('/jobs', { method: 'POST', body: JSON.stringify({ prompt: 'fails [[error:500]]' }) })).json()) as { job_id: string };
  const slow = (await (await api('/jobs', { method: 'POST', body: JSON.stringify({ prompt: 'slow [[cmd:sleep 28.4]]', timeout_ms: 2000 }) })).json()) as { job_id: string };
  const [f, s] = await Promise.all([waitForJob(firestore, failing.job_id), waitForJob(firestore, slow.job_id)]);
  assert.equal(f.status, 'failed');
  assert.equal(f.error?.code, 'codex_error');
  assert.equal(s.status, 'failed');
  assert.equal(s.error?.code, 'timeout');
});
