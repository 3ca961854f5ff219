// Every way a turn ends (normal end, timeout, budget stop) ends every process the turn started,
// sandboxed and backgrounded ones included, before the job is recorded terminal: the processes live
// in the app-server's own PID namespace, and the namespace is gone before the status is written.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pidNamespaceOf, processIsolation } from '../../../shared/codex/process-isolation.js';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';
import { processesMatching } from '../../support/process-table.js';
import { eventually } from '../../support/test-env.js';

let h: ProcessorHarness;
before(async () => {
  h = await processorHarness();
});
after(async () => {
  await h.close();
});

test('this host runs turns in a PID namespace (unshare), and the sandbox works inside it', async () => {
  const iso = await processIsolation();
  assert.equal(iso.mode, 'pid-namespace', iso.description);
  // A sandboxed write in the workspace: the turn completes only when bwrap works inside the namespace.
  const { job, message } = await h.submit({ prompt: 'ns marker-ns [[cmd:sleep 30.311 & echo ok > inside.txt; kill %1]] [[final:ok]]' });
  const delivery = h.deliver(message);
  const [sleeper] = await eventually(() => {
    const found = processesMatching('sleep 30.311');
    return found.length ? found : undefined;
  }, 'the sandboxed command to run', 60_000, 20);
  assert.notEqual(pidNamespaceOf(sleeper!.pid), pidNamespaceOf(process.pid), 'the command runs in another PID namespace than the processor');
  assert.deepEqual(await delivery, { ack: true, reason: 'ran' });
  const done = await h.deps.store.get(job.job_id);
  assert.equal(done?.status, 'completed', JSON.stringify(done?.error));
  assert.deepEqual(done?.result?.output_files, ['inside.txt']);
});

test('normal end: a background process the agent left running is gone when the job is recorded completed', async () => {
  const { job, message } = await h.submit({ prompt: 'bg marker-bg [[cmd:(setsid sleep 33.41 >/dev/null 2>&1 &); nohup sleep 33.42 >/dev/null 2>&1 & echo started]] [[final:left them running]]' });
  assert.deepEqual(await h.deliver(message), { ack: true, reason: 'ran' });
  assert.deepEqual(processesMatching('sleep 33.4'), [], 'nothing of the turn outlived it');
  const done = await h.deps.store.get(job.job_id);
  assert.equal(done?.status, 'completed');
});

test('timeout: the job fails with timeout and its running command is gone when it is recorded', async () => {
  // 8 s: the command must start before the timeout for its teardown to be seen (a loaded machine's
  // codex start has taken over 3 s), and the job must time out before codex's own 10 s limit on a
  // command would end the sleep and let the turn complete.
  const { job, message } = await h.submit({ prompt: 'slow marker-to [[cmd:sleep 30.61]] [[final:never]]', timeout_ms: 8000 });
  const delivery = h.deliver(message);
  await eventually(() => (processesMatching('sleep 30.61').length ? true : undefined), 'the command to run', 60_000, 20);
  assert.deepEqual(await delivery, { ack: true, reason: 'ran' });
  assert.deepEqual(processesMatching('sleep 30.61'), []);
  const done = await h.deps.store.get(job.job_id);
  assert.equal(done?.status, 'failed');
  assert.equal(done?.error?.code, 'timeout');
});

test('budget stop: the job fails with budget_exceeded and nothing it started is left', async () => {
  const { job, message } = await h.submit({ prompt: 'costly marker-bu [[tokens:5000]] [[cmd:sleep 30.71]] [[final:never]]', max_total_tokens: 100 });
  assert.deepEqual(await h.deliver(message), { ack: true, reason: 'ran' });
  assert.deepEqual(processesMatching('sleep 30.71'), []);
  const done = await h.deps.store.get(job.job_id);
  assert.equal(done?.status, 'failed');
  assert.equal(done?.error?.code, 'budget_exceeded');
});
