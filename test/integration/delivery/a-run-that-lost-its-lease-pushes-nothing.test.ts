// A run that lost its job pushes nothing: the lease is taken while the delivery reads the host's
// branches (the git server holds that request), and the run then ends without pushing, without a
// pull request, and without recording anything.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { branchTip } from '../../support/delivered-branch.js';
import { startGitHubWorld, type GitHubWorld } from '../../support/github-standin/github-world.js';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';
import { eventually } from '../../support/test-env.js';

const TOKEN = `ghp_${randomBytes(12).toString('hex')}`;
let world: GitHubWorld;
let h: ProcessorHarness;
let repo: Awaited<ReturnType<GitHubWorld['repository']>>;

before(async () => {
  world = await startGitHubWorld({ token: TOKEN });
  repo = await world.repository('octo', 'repo');
  h = await processorHarness({
    GIT_ALLOWLIST: '127.0.0.1',
    ALLOW_INSECURE_GIT: '1',
    GIT_CREDENTIALS: `${world.gitHost}=${TOKEN}`,
    FORGE_HOSTS: `${world.gitHost}=github@${world.api.url}`,
  });
});
after(async () => {
  await h.close();
  await world.close();
});

test('the lease taken during the delivery: no push, no pull request, nothing recorded', async () => {
  const { job, message } = await h.submit({ prompt: 'lease-lost [[cmd:printf "x\\n" > x.txt]] [[final:Added x]]', workspace: { git: { url: repo.url } }, delivery: { pull_request: true } });
  const run = h.deliver(message);
  // The clone is done once the model is asked; the next git request is the delivery's.
  await eventually(() => (h.modelRequestsFor('lease-lost').length ? true : undefined), 'the turn to start', 60_000, 20);
  const held = world.git.hold();
  await held;
  await h.env.firestore.collection('jobs').doc(job.job_id).update({ 'lease.holder': 'another-processor' });
  world.git.release();
  const verdict = await run;
  assert.equal(verdict.reason, 'lease-lost');
  assert.equal(branchTip(path.join(world.git.root, 'octo/repo.git'), `codex-jobs/${job.job_id.slice(0, 8)}`), null, 'nothing pushed');
  assert.ok(!world.git.requests.some((r) => r.path.endsWith('/git-receive-pack')), 'no push was even tried');
  assert.equal(world.api.requests.length, 0, 'no pull request');
  const now = (await h.deps.store.get(job.job_id))!;
  assert.equal(now.status, 'processing');
  assert.equal(now.result, null);
  const events = (await h.deps.store.listEvents(job.job_id, -1, 1000)).map((e) => e.type);
  assert.ok(!events.includes('delivery') && !events.includes('finished'), events.join(','));
});
