// A job's app-server starts while its claim transaction runs (shared/processor/early-app-server.ts):
// for an environment-free job it is already running when the claim returns; a claim that says no
// leaves neither a process nor a folder of the job; a server that fails to start ends the job failed,
// recorded. Real codex, emulators, scripted model.
import assert from 'node:assert/strict';
import { chmodSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startsEarly } from '../../../shared/processor/early-app-server.js';
import { WORKSPACE_PREFIX } from '../../../shared/processor/job-workspace.js';
import type { ProcessorDeps } from '../../../shared/processor/run-claimed-job.js';
import { mkdtempOutsideTemp } from '../../support/outside-temp.js';
import { processesMatching } from '../../support/process-table.js';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';
import { eventually } from '../../support/test-env.js';

let h: ProcessorHarness;
before(async () => {
  h = await processorHarness();
});
after(async () => {
  await h.close();
});

const prefixOf = (jobId: string) => `${WORKSPACE_PREFIX}${jobId.slice(0, 8)}-`;
const foldersOf = (jobId: string) => readdirSync(os.tmpdir()).filter((n) => n.startsWith(prefixOf(jobId)));
/** The job's server: its isolation wrapper names the job's private folder on its command line. */
const serverOf = (jobId: string) => processesMatching(path.join(os.tmpdir(), prefixOf(jobId)));

/** The processor's deps whose claim first waits until the job's app-server is running, then answers `answer()`. */
function claimAfterServerStarts(answer: (deps: ProcessorDeps, args: Parameters<ProcessorDeps['store']['claim']>) => ReturnType<ProcessorDeps['store']['claim']>): ProcessorDeps & { seenDuringClaim: () => boolean } {
  const store = h.deps.store;
  let seen = false;
  const deps = {
    ...h.deps,
    store: Object.assign(Object.create(store) as typeof store, {
      claim: async (...args: Parameters<typeof store.claim>) => {
        await eventually(() => (serverOf(args[0].job_id).length > 0 ? true : undefined), 'the job’s app-server to start during the claim', 30_000, 20);
        seen = true;
        return answer(deps, args);
      },
    }),
    seenDuringClaim: () => seen,
  };
  return deps;
}

test('an environment-free job: its app-server is running before the claim transaction returns, and the job completes', async () => {
  const { job, message } = await h.submit({ prompt: 'early start [[cmd:echo early > early.txt]] [[final:done early]]' });
  const deps = claimAfterServerStarts((_d, args) => h.deps.store.claim(...args));
  assert.deepEqual(await h.deliver(message, deps), { ack: true, reason: 'ran' });
  assert.ok(deps.seenDuringClaim());
  const done = (await h.deps.store.get(job.job_id))!;
  assert.equal(done.status, 'completed');
  assert.equal(done.result?.final_message, 'done early');
  assert.deepEqual(done.result?.output_files, ['early.txt']);
  assert.deepEqual(serverOf(job.job_id), []);
  assert.deepEqual(foldersOf(job.job_id), []);
});

test('a claim that says busy: the server started for it is ended and its folder removed before the delivery is answered', async () => {
  const { job, message } = await h.submit({ prompt: 'busy elsewhere [[final:never here]]' });
  // Another holder has the job under a live lease.
  const other = h.otherProcessor();
  const held = await other.store.claim(job, { holder: other.holder, leaseMs: 60_000, maxAttempts: 3, ttlDays: 1 });
  assert.equal(held.outcome, 'claimed');
  const deps = claimAfterServerStarts((_d, args) => h.deps.store.claim(...args));
  const verdict = await h.deliver(message, deps);
  assert.equal(verdict.reason, 'busy');
  assert.ok(deps.seenDuringClaim(), 'the server had started while the claim ran');
  assert.deepEqual(serverOf(job.job_id), [], 'no process of the job is left');
  assert.deepEqual(foldersOf(job.job_id), [], 'no folder of the job is left');
  assert.equal(h.modelRequestsFor('busy elsewhere').length, 0, 'no turn ran');
});

test('an app-server that fails to start ends the job failed (internal), recorded, and leaves nothing behind', async (t) => {
  // A codex that works for the sandbox probe but whose app-server exits at once.
  const dir = mkdtempOutsideTemp('failing-app-server-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const bin = path.join(dir, 'codex');
  writeFileSync(bin, `#!/bin/sh\nif [ "$1" = app-server ]; then echo "app-server refuses to start" >&2; exit 3; fi\nexec '${h.env.config.CODEX_BIN}' "$@"\n`);
  chmodSync(bin, 0o755);
  const { job, message } = await h.submit({ prompt: 'failing start [[final:never]]' });
  const deps = { ...h.deps, config: { ...h.deps.config, CODEX_BIN: bin } };
  assert.deepEqual(await h.deliver(message, deps), { ack: true, reason: 'ran' });
  const failed = (await h.deps.store.get(job.job_id))!;
  assert.equal(failed.status, 'failed');
  assert.equal(failed.error?.code, 'internal');
  assert.match(failed.error?.message ?? '', /app-server/);
  assert.deepEqual(serverOf(job.job_id), []);
  assert.deepEqual(foldersOf(job.job_id), []);
});

test('only environment-free, session-free jobs of the real turn start early', () => {
  const deps = { runTurn: undefined } as Pick<ProcessorDeps, 'runTurn'>;
  assert.equal(startsEarly(deps, { environment: null, session_id: null }), true);
  assert.equal(startsEarly(deps, { environment: { name: null, env: {}, secrets: [] } as never, session_id: null }), false);
  assert.equal(startsEarly(deps, { environment: null, session_id: 's1' }), false);
  assert.equal(startsEarly({ runTurn: async () => ({}) as never }, { environment: null, session_id: null }), false);
});
