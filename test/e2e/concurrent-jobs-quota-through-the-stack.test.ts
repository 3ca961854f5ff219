// Issue 25's "done when", second half, through the stack with the real codex binary: with QUOTAS
// `*:concurrent_jobs=1`, three jobs of one key run one after another (the processor could run three at
// once: PROCESSOR_CONCURRENCY=3) and all complete; none fails for the quota. With a token quota, each
// job's max_total_tokens is capped at what remains when it starts, and the document says so.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Firestore } from '@google-cloud/firestore';
import { startStack, type Stack } from '../../dev/stack.js';
import { requireEmulators } from '../support/test-env.js';
import { waitForJob } from '../support/wait-for-job.js';

const WEBHOOK_SECRET = 'whsec_' + Buffer.from('e2e-concurrent-quota-secret-0123456789').toString('base64');
let stack: Stack;
let firestore: Firestore;
let workDir: string;

before(async () => {
  const hosts = requireEmulators();
  workDir = mkdtempSync(path.join(os.tmpdir(), 'e2e-concurrent-quota-'));
  stack = await startStack({
    ports: 'free',
    projectId: `e2e-cq-${Date.now().toString(36)}`,
    emulators: { pubsub: hosts.pubsub, firestore: hosts.firestore, storage: hosts.storage },
    env: { TMPDIR: workDir, WEBHOOK_SECRET, LOG_LEVEL: 'WARNING', PROCESSOR_CONCURRENCY: '3', QUOTAS: '*:concurrent_jobs=1,tokens_per_day=100000' },
  });
  firestore = new Firestore({ projectId: stack.config.GOOGLE_CLOUD_PROJECT });
});

after(async () => {
  await stack?.stop();
  await firestore?.terminate();
  rmSync(workDir, { recursive: true, force: true });
});

test('concurrent_jobs=1: three jobs of one key run one after another and all complete; each start is capped at the token quota left', async () => {
  const ids: string[] = [];
  for (const n of [1, 2, 3]) {
    const res = await fetch(`${stack.apiUrl}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': stack.devApiKey },
      body: JSON.stringify({ prompt: `job ${n} [[cmd:sleep 2; printf ${n} > n${n}.txt]] [[final:done ${n}]]`, timeout_ms: 120_000 }),
    });
    assert.equal(res.status, 202);
    ids.push(((await res.json()) as { job_id: string }).job_id);
  }
  const done = await Promise.all(ids.map((id) => waitForJob(firestore, id)));
  for (const job of done) assert.equal(job.status, 'completed', `${job.job_id}: ${JSON.stringify(job.error)}`);
  // One at a time: sorted by the start of their runs, each starts after the one before ended.
  const runs = done.map((j) => ({ start: Date.parse(j.run_started_at ?? j.started_at!), end: Date.parse(j.completed_at!) })).sort((a, b) => a.start - b.start);
  for (let i = 1; i < runs.length; i++) assert.ok(runs[i]!.start >= runs[i - 1]!.end, `run ${i} started ${runs[i - 1]!.end - runs[i]!.start} ms before the one before it ended`);
  for (const job of done) {
    assert.equal(job.attempts, 1, 'waiting for the quota costs no attempt');
    assert.ok(job.max_total_tokens_capped, 'the document says its budget came from the token quota');
    assert.equal(job.max_total_tokens_capped!.requested, null);
    assert.equal(job.max_total_tokens, job.max_total_tokens_capped!.remaining);
    assert.ok(job.max_total_tokens! <= 100_000);
  }
});
