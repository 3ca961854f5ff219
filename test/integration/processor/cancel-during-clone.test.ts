// A cancel that arrives while the workspace is still being made (a git clone in flight) ends the job
// `cancelled`, not `failed` with the clone's abort error: the user asked for it to stop.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { makeFixtureRepository, startGitHttpServer, type GitHttpServer } from '../../support/git-http-server.js';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';
import { eventually } from '../../support/test-env.js';

let git: GitHttpServer;
let h: ProcessorHarness;
before(async () => {
  git = await startGitHttpServer();
  await makeFixtureRepository(git.root, 'slow');
  h = await processorHarness({ GIT_ALLOWLIST: '127.0.0.1', ALLOW_INSECURE_GIT: '1' });
});
after(async () => {
  await h.close();
  await git.close();
});

test('cancel while the git clone is in flight: the job ends cancelled, no turn runs, and the delivery is acked', async () => {
  const held = git.hold(); // the remote answers nothing until released: the clone is in flight
  const { job, message } = await h.submit({ prompt: 'never runs marker-cdc [[final:no]]', workspace: { git: { url: `${git.url}/slow.git` } } });
  const delivery = h.deliver(message);
  await held;
  assert.equal((await h.deps.store.cancel(job.job_id)).outcome, 'requested');
  const verdict = await delivery;
  git.release();
  assert.deepEqual(verdict, { ack: true, reason: 'ran' });
  const done = await h.deps.store.get(job.job_id);
  assert.equal(done?.status, 'cancelled', JSON.stringify(done?.error));
  assert.equal(done?.error, null);
  assert.equal(h.modelRequestsFor('marker-cdc').length, 0, 'no Codex turn ran');
  const events = await h.deps.store.listEvents(job.job_id, -1, 1000);
  const finished = events.filter((e) => e.type === 'finished');
  assert.deepEqual(finished.map((e) => e.data.status), ['cancelled'], 'one finished event, cancelled');
  const sent = await eventually(() => h.results.messages.find((m) => (m.data as { job_id: string }).job_id === job.job_id), 'the result message');
  assert.equal((sent.data as { status: string }).status, 'cancelled');
});
