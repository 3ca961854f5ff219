// A run that lost its lease writes nothing more. Holder 1 (its own processor process) finishes its
// turn and is frozen (SIGSTOP) at its very first request to Cloud Storage after it — the moment its
// uploads begin. Its lease runs out; holder 2 takes the job over and completes it. Then holder 1
// resumes where it stopped: every object (outputs, changes.patch, result.json, the session snapshot),
// the document and the events are still holder 2's. Real codex, real emulators, two processors.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as tar from 'tar';
import { replyFromDirectives } from '../../../dev/scripted-model.js';
import { ORDER_METADATA } from '../../../shared/blobs/ordered-write.js';
import { sessionPrefix } from '../../../shared/jobs/session-scope.js';
import { EVENTS_PER_ATTEMPT } from '../../../shared/processor/event-sink.js';
import { resultObjectName } from '../../../shared/processor/run-claimed-job.js';
import { holdingProxy, type HoldingProxy } from '../../support/holding-proxy.js';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';
import { startSeparateProcessor } from '../../support/separate-processor.js';
import { eventually } from '../../support/test-env.js';

const MARKER = 'marker-stale-holder';
let h: ProcessorHarness;
let proxy: HoldingProxy;
/** 1 until holder 1 is frozen, then 2: which run the model is answering (a request retried by codex is answered alike). */
let run = 1;
let firstHeld: Promise<string> | undefined;

before(async () => {
  h = await processorHarness({ JOB_LEASE_MS: '4000' }, (r) => {
    if (!r.prompt.includes(MARKER)) return replyFromDirectives(r);
    // Each run writes its own a.txt; only the first writes only-one.txt.
    if (r.step === 0) return { kind: 'command', cmd: run === 1 ? 'printf one > a.txt && printf only > only-one.txt' : 'printf two > a.txt' };
    // The first run's turn is over once this answer is given: hold its next Cloud Storage request.
    if (run === 1) firstHeld ??= proxy.hold();
    return { kind: 'message', text: `run ${run}` };
  });
  proxy = await holdingProxy(h.env.env.STORAGE_EMULATOR_HOST!);
});
after(async () => {
  await proxy.close();
  await h.close();
});

async function objectText(bucket: string, name: string): Promise<string> {
  const [buf] = await h.env.storage.bucket(bucket).file(name).download();
  return buf.toString('utf8');
}

test('a holder frozen after its turn, resumed after another holder completed the job, writes nothing: objects, document and events stay the second run’s', async (t) => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'stale-holder-'));
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const holder1 = await startSeparateProcessor({ ...process.env, ...h.env.env, STORAGE_EMULATOR_HOST: proxy.url, TMPDIR: tmp, LOG_LEVEL: 'INFO' }, h.env.project);
  t.after(() => holder1.stop());
  const { job, message } = await h.submit({ prompt: `two runs ${MARKER}`, session_id: 'stale-holder-session', timeout_ms: 120_000 });
  const push1 = holder1.push(message);

  const held = await eventually(() => firstHeld, 'the first run’s turn to end', 90_000, 20).catch((err: Error) => {
    throw new Error(`${err.message}; holder 1 printed:\n${holder1.proc.output()}`);
  });
  assert.match(held, /jobs%2F|jobs\//, `the held request is one of the job's uploads (${held})`);
  holder1.freeze();
  run = 2;
  let thawed = false;
  t.after(() => (thawed ? undefined : holder1.thaw())); // never leave a stopped process behind
  const frozen = await h.deps.store.get(job.job_id);
  assert.equal(frozen?.status, 'processing');
  assert.equal(frozen?.attempts, 1);

  // Holder 1's lease runs out while it is frozen; holder 2 takes the job over and completes it.
  await eventually(async () => (Date.parse((await h.deps.store.get(job.job_id))!.lease!.expires_at) <= Date.now() ? true : undefined), 'the frozen holder’s lease to run out', 30_000, 100);
  assert.deepEqual(await h.deliver(message, h.otherProcessor()), { ack: true, reason: 'ran' });
  const second = (await h.deps.store.get(job.job_id))!;
  assert.equal(second.status, 'completed');
  assert.equal(second.attempts, 2);
  assert.equal(second.result?.final_message, 'run 2');
  const eventsBefore = await h.deps.store.listEvents(job.job_id, -1, 10_000);

  // Holder 1 goes on from where it stopped, its first upload request included.
  holder1.thaw();
  thawed = true;
  proxy.release();
  const answer = await push1;
  t.diagnostic(`holder 1 answered ${answer}; its requests to storage after the thaw: ${proxy.requests.length}`);

  const after1 = (await h.deps.store.get(job.job_id))!;
  assert.deepEqual(after1, second, 'the document is exactly as holder 2 left it');
  assert.deepEqual(await h.deps.store.listEvents(job.job_id, -1, 10_000), eventsBefore, 'holder 1 added no event');
  assert.ok(!eventsBefore.some((e) => e.seq < EVENTS_PER_ATTEMPT && e.type === 'finished'), 'no finished event of attempt 1');

  const { OUTPUTS_BUCKET: outputs, RESULTS_BUCKET: results } = h.env.config;
  const [objects] = await h.env.storage.bucket(outputs).getFiles({ prefix: `jobs/${job.job_id}/` });
  assert.deepEqual(objects.map((o) => o.name).sort(), [`jobs/${job.job_id}/changes.patch`, `jobs/${job.job_id}/outputs/a.txt`], 'holder 1 uploaded nothing (no only-one.txt)');
  assert.equal(await objectText(outputs, `jobs/${job.job_id}/outputs/a.txt`), 'two');
  const patch = await objectText(outputs, `jobs/${job.job_id}/changes.patch`);
  assert.match(patch, /^\+two/m);
  assert.doesNotMatch(patch, /only-one|^\+one/m);
  const stored = JSON.parse(await objectText(results, resultObjectName(job.job_id))) as { attempt: number; result: { final_message: string; thread_id: string } };
  assert.equal(stored.attempt, 2);
  assert.equal(stored.result.final_message, 'run 2');

  const prefix = sessionPrefix({ owner: job.owner, session_id: 'stale-holder-session' });
  const session = JSON.parse(await objectText(results, `${prefix}session.json`)) as { thread_id: string };
  assert.equal(session.thread_id, second.result?.thread_id, 'the session continues holder 2’s thread');
  const [meta] = await h.env.storage.bucket(results).file(`${prefix}workspace.tar.gz`).getMetadata();
  assert.match(String((meta.metadata as Record<string, unknown>)[ORDER_METADATA]), /\|000002$/, 'the snapshot is attempt 2’s');
  await h.env.storage.bucket(results).file(`${prefix}workspace.tar.gz`).download({ destination: path.join(tmp, 'ws.tar.gz') });
  const unpacked = path.join(tmp, 'unpacked');
  await import('node:fs/promises').then((fs) => fs.mkdir(unpacked));
  await tar.x({ file: path.join(tmp, 'ws.tar.gz'), cwd: unpacked });
  assert.equal(readFileSync(path.join(unpacked, 'a.txt'), 'utf8'), 'two');
  assert.throws(() => readFileSync(path.join(unpacked, 'only-one.txt')), 'the snapshot has none of holder 1’s files');
});
