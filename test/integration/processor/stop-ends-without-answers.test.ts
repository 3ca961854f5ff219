// Stopping a turn always ends: the kill is armed the moment the stop begins, so an app-server that
// never answers turn/interrupt (nor the clean, nor the end of its stdin) is killed within the
// interrupt grace. The job is terminal, the push request is answered, and the instance's
// PROCESSOR_CONCURRENCY slot is free again (the next delivery is not 429). A second stop reason
// (the lease lost while a timeout stops the turn) is not ignored.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import * as functions from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { LEASE_LOST, runTurn, type TurnRequest } from '../../../shared/codex/run-turn.js';
import { processorHandler } from '../../../shared/processor/processor-http.js';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';
import { processesMatching } from '../../support/process-table.js';
import { pushBody } from '../../support/separate-processor.js';
import { silentAppServerBin } from '../../support/silent-app-server.js';
import type { PubSubMessage } from '../../../shared/pubsub/pubsub-message.js';

let h: ProcessorHarness;
let url: string;
let close: () => Promise<void>;
const silent = silentAppServerBin();
before(async () => {
  h = await processorHarness({ PROCESSOR_CONCURRENCY: '1' });
  // The processor's own wiring, with the silent stand-in in place of the codex binary for the turn.
  const deps = { ...h.deps, runTurn: (req: TurnRequest) => runTurn({ ...req, bin: silent.bin }) };
  functions.http('processor-stop-under-test', processorHandler(deps));
  const server = getTestServer('processor-stop-under-test');
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/projects/${h.env.project}/topics/codex-jobs`;
  close = () => new Promise((r) => server.close(() => r()));
});
after(async () => {
  await close();
  await h.close();
  rmSync(silent.dir, { recursive: true, force: true });
});

async function push(message: PubSubMessage): Promise<number> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(pushBody(message)) });
  await res.arrayBuffer();
  return res.status;
}

/** Fails (instead of hanging the suite) when the answer does not come: the defect this file is about. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

test('a timed-out turn whose app-server never answers the interrupt is killed: the job fails with timeout and the slot is free', async () => {
  const { job, message } = await h.submit({ prompt: 'silent-stop-marker', timeout_ms: 1000 });
  const started = Date.now();
  // Before the fix the request never ended (the kill waited for the interrupt's answer).
  assert.equal(await within(push(message), 60_000, 'the push delivery'), 204);
  const answeredMs = Date.now() - started;
  const done = (await h.deps.store.get(job.job_id))!;
  assert.equal(done.status, 'failed');
  assert.equal(done.error?.code, 'timeout');
  assert.deepEqual(processesMatching(silent.bin), [], 'the stand-in app-server is gone');
  // The instance's one slot is free again: the next delivery is handled (a duplicate: acked), not 429.
  assert.equal(await within(push(message), 30_000, 'the next delivery'), 204);
  console.log(`silent app-server: delivery answered ${answeredMs} ms after it was pushed (timeout_ms 1000)`);
});

test('a lost lease while a timeout stops the turn is not ignored: the turn ends as lease-stopped, killed at once', async () => {
  const lease = new AbortController();
  const events: string[] = [];
  const outcome = await within(
    runTurn({
      bin: silent.bin,
      workspace: silent.dir,
      jobRoot: silent.dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      prompt: 'silent',
      model: 'scripted',
      sandbox: 'workspace-write',
      timeoutMs: 500,
      signal: lease.signal,
      onEvent: (type) => {
        events.push(type);
        if (type === 'stop_requested') lease.abort(LEASE_LOST);
      },
    }),
    30_000,
    'the turn',
  );
  await outcome.closed;
  assert.equal(outcome.status, 'stopped');
  assert.equal(outcome.stop, 'lease', 'the lost lease decides the outcome (the run then records nothing)');
  assert.ok(events.includes('stop_escalated'), events.join(','));
  assert.deepEqual(processesMatching(silent.bin), []);
});
