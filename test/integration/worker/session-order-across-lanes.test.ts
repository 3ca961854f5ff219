// A session runs one job at a time, in creation order, across lanes. Job 1 (normal lane, a 5 s
// command), job 2 (high: the priority lane) and job 3 (a long timeout: the worker's long lane) of one
// session: job 2's delivery while job 1 runs is answered 429 (nothing written, no attempt counted),
// job 3's is nacked while an earlier job is queued or running, and each starts only after the one
// before it ended. The session ends with all three jobs' files and all three turns of its thread.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as functions from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { newJobDocument, specFromRequest, type JobDocument } from '../../../shared/jobs/job-document.js';
import { newJobId } from '../../../shared/jobs/job-id.js';
import { laneFor, timeoutLimits } from '../../../shared/jobs/job-lane.js';
import { messageFromJob } from '../../../shared/jobs/job-message.js';
import { jobRequestSchema, type JobRequestInput } from '../../../shared/jobs/job-request.js';
import { sessionPrefix } from '../../../shared/jobs/session-scope.js';
import { handleJobMessage } from '../../../shared/processor/handle-job-message.js';
import { processorDeps, processorHandler } from '../../../shared/processor/processor-http.js';
import type { ProcessorDeps } from '../../../shared/processor/run-claimed-job.js';
import { PubSubJobQueue } from '../../../shared/queue/pubsub-job-queue.js';
import { pushMessage } from '../../support/processor-harness.js';
import { pushBody } from '../../support/separate-processor.js';
import { eventually } from '../../support/test-env.js';
import { workerHarness, LONG_TIMEOUT_MS, type WorkerHarness } from '../../support/worker-harness.js';

let h: WorkerHarness;
let normal: ProcessorDeps;
let priority: ProcessorDeps;
let queue: PubSubJobQueue;
let priorityUrl: string;
let closeServer: () => Promise<void>;
before(async () => {
  h = await workerHarness();
  // The two push lanes, in this process on the same emulators and model: two instances, two holders.
  normal = processorDeps(h.env.config);
  priority = processorDeps(h.env.config);
  queue = new PubSubJobQueue(h.env.pubsub, h.env.config);
  functions.http('processor-priority-session-order', processorHandler(priority));
  const server = getTestServer('processor-priority-session-order');
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  priorityUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/projects/${h.env.project}/topics/codex-jobs-priority`;
  closeServer = () => new Promise((r) => server.close(() => r()));
});
after(async () => {
  await closeServer();
  await queue.close();
  await Promise.all([normal.close?.(), priority.close?.()]);
  await h.close();
});

const base = Date.now();
/** A job of alice's, created `order` ms after the others (creation order is the session's order). */
function job(request: JobRequestInput, order: number): JobDocument {
  const parsed = jobRequestSchema(timeoutLimits(h.env.config)).parse(request);
  const spec = specFromRequest(parsed, { job_id: newJobId(), owner: 'alice', source: 'http', source_ref: null, created_at: new Date(base + order).toISOString(), lane: laneFor(parsed, h.env.config) });
  return newJobDocument(spec, h.env.config.JOB_TTL_DAYS);
}

async function pushPriority(doc: JobDocument): Promise<Response> {
  const res = await fetch(priorityUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(pushBody(pushMessage(doc))) });
  await res.arrayBuffer();
  return res;
}

async function snapshotFiles(session: string): Promise<string[]> {
  const [archive] = await h.env.storage.bucket(h.env.config.RESULTS_BUCKET).file(`${sessionPrefix({ owner: 'alice', session_id: session })}workspace.tar.gz`).download();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'session-snapshot-'));
  try {
    writeFileSync(path.join(dir, 'w.tar.gz'), archive);
    return execFileSync('tar', ['-tzf', path.join(dir, 'w.tar.gz')], { encoding: 'utf8' }).split('\n').map((n) => n.replace(/^\.\//, ''));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('jobs of one session on the normal, priority and long lanes run one at a time in creation order', async () => {
  const session = `ordered-${randomUUID().slice(0, 8)}`;
  const prompts = [
    `order-one ${session} [[cmd:sleep 5 && echo one > one.txt]] [[final:one]]`,
    `order-two ${session} [[cmd:cat one.txt && echo two > two.txt]] [[final:two]]`,
    `order-three ${session} [[cmd:cat one.txt two.txt && echo three > three.txt]] [[final:three]]`,
  ];
  const job1 = job({ prompt: prompts[0]!, session_id: session }, 0);
  const job2 = job({ prompt: prompts[1]!, session_id: session, priority: 'high' }, 1);
  const job3 = job({ prompt: prompts[2]!, session_id: session, timeout_ms: LONG_TIMEOUT_MS }, 2);
  assert.deepEqual([job1.lane, job2.lane, job3.lane], ['normal', 'priority', 'long']);
  for (const j of [job1, job2, job3]) await h.store.create(j);

  const worker = await h.startWorker('worker-session-order', { WORKER_CONCURRENCY: '1' });
  await queue.publishJob(messageFromJob(job3));
  const run1 = handleJobMessage(normal, pushMessage(job1));
  await h.waitForJob(job1.job_id, (j) => j.status === 'processing');

  // Job 2 arrives on its own lane while job 1 runs: it waits, answered 429, with nothing written.
  const early = await pushPriority(job2);
  assert.equal(early.status, 429, 'a later job of the session does not start while an earlier one runs');
  assert.equal(early.headers.get('x-verdict'), 'waiting');
  assert.ok(Number(early.headers.get('retry-after')) >= 1);
  const waiting2 = (await h.store.get(job2.job_id))!;
  assert.equal(waiting2.status, 'queued');
  assert.equal(waiting2.attempts, 0, 'waiting is not an attempt');

  assert.deepEqual(await run1, { ack: true, reason: 'ran' });
  // Job 3's deliveries are nacked while job 2, earlier and still queued on another lane, has not run.
  await eventually(() => (worker.handled(job3.job_id).some((l) => l.outcome === 'nacked' && l.reason === 'waiting') ? true : undefined), 'the worker to nack job 3 as waiting', 120_000, 50);
  assert.equal((await h.store.get(job3.job_id))!.attempts, 0);

  // Pub/Sub's retry of job 2, now that job 1 has ended, runs it; then the worker's retry runs job 3.
  assert.equal((await pushPriority(job2)).status, 204);
  const done3 = await h.waitForJob(job3.job_id).catch((err: Error) => {
    throw new Error(`${err.message}; the worker's lines for job 3: ${JSON.stringify(worker.lines().filter((l) => l.job_id === job3.job_id).map((l) => [l.message, l.reason, l.delivery_attempt]))}`);
  });
  const [done1, done2] = [(await h.store.get(job1.job_id))!, (await h.store.get(job2.job_id))!];
  for (const d of [done1, done2, done3]) assert.equal(d.status, 'completed', `${d.job_id}: ${JSON.stringify(d.error)}`);
  assert.ok(done2.started_at! >= done1.completed_at!, `job 2 was claimed (${done2.started_at}) after job 1 ended (${done1.completed_at})`);
  assert.ok(done3.started_at! >= done2.completed_at!, `job 3 was claimed (${done3.started_at}) after job 2 ended (${done2.completed_at})`);
  assert.deepEqual([done1.attempts, done2.attempts, done3.attempts], [1, 1, 1]);
  await eventually(() => (worker.handled(job3.job_id).some((l) => l.outcome === 'acked' && l.reason === 'ran') ? true : undefined), 'the worker to ack job 3 as run', 30_000, 50);
  assert.deepEqual(worker.handled(job3.job_id).filter((l) => l.reason === 'ran').length, 1);

  assert.match(done2.result!.stdout, /one/, "job 2 ran on job 1's files");
  assert.match(done3.result!.stdout, /one[\s\S]*two/, "job 3 ran on jobs 1's and 2's files");
  const files = await snapshotFiles(session);
  for (const f of ['one.txt', 'two.txt', 'three.txt']) assert.ok(files.includes(f), `the session snapshot holds ${f}: ${files.join(' ')}`);
  assert.equal(done3.result!.thread_id, done1.result!.thread_id, 'one thread');
  const turns3 = h.model.requests.filter((r) => r.prompt.includes(`order-three ${session}`));
  assert.ok(turns3.length > 0);
  for (const r of turns3) for (const p of prompts) assert.ok(r.userTexts.includes(p), `job 3's turn sees the thread's turn: ${p}`);
});
