// Delivery never force-pushes and never fails a job: a branch that is not where the job started
// (someone else's commits) is `failed` naming the conflict and left exactly as it was; an existing
// branch at the job's starting commit takes the new commit (`pushed`); the host's API refusing the
// pull request is `failed` with its answer, the token redacted everywhere; no changes is `skipped`.
// In every case the job is `completed` with its patch.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { captureLogs } from '../../support/capture-logs.js';
import { assertTipIsParentPlusPatch, branchTip, jobPatch } from '../../support/delivered-branch.js';
import { gitIn } from '../../support/git-http-server.js';
import { StandinAnswer } from '../../support/github-standin/github-handlers.js';
import { startGitHubWorld, type GitHubWorld } from '../../support/github-standin/github-world.js';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';

const TOKEN = `ghp_${randomBytes(12).toString('hex')}`;
let world: GitHubWorld;
let h: ProcessorHarness;
let repo: Awaited<ReturnType<GitHubWorld['repository']>>;
let bare: string;

before(async () => {
  world = await startGitHubWorld({ token: TOKEN });
  repo = await world.repository('octo', 'repo');
  bare = path.join(world.git.root, 'octo/repo.git');
  h = await processorHarness({
    GIT_ALLOWLIST: '127.0.0.1',
    ALLOW_INSECURE_GIT: '1',
    GIT_CREDENTIALS: `${world.gitHost}=${TOKEN}`,
    FORGE_HOSTS: `${world.gitHost}=github@${world.api.url}`,
    LOG_LEVEL: 'INFO',
  });
});
after(async () => {
  await h.close();
  await world.close();
});

async function run(request: Parameters<ProcessorHarness['submit']>[0]) {
  const { job, message } = await h.submit(request);
  await h.deliver(message);
  return (await h.deps.store.get(job.job_id))!;
}

const CHANGE = '[[cmd:printf "changed\\n" >> README.md]] [[final:Changed the README]]';

test('a branch elsewhere than where the job started is a conflict: failed, nothing pushed; at the start commit it takes the commit', async () => {
  const moved = await run({ prompt: `conflict ${CHANGE}`, workspace: { git: { url: repo.url } }, delivery: { branch: 'feature' } });
  assert.equal(moved.status, 'completed');
  assert.equal(moved.result!.delivery!.state, 'failed');
  assert.match(moved.result!.delivery!.error!, new RegExp(`conflict: the branch feature moved on the host since the job started \\(it is at ${repo.feature}, the job started from ${repo.second}\\)`));
  assert.equal(branchTip(bare, 'feature'), repo.feature, 'the branch is unchanged');
  assert.ok((await jobPatch(h.env, moved.job_id)).includes('+changed'), 'the job keeps its patch');

  const onTop = await run({ prompt: `on-top ${CHANGE}`, workspace: { git: { url: repo.url, ref: 'feature' } }, delivery: { branch: 'feature' } });
  assert.deepEqual(onTop.result!.delivery, { state: 'pushed', branch: 'feature', commit: branchTip(bare, 'feature') });
  await assertTipIsParentPlusPatch(bare, onTop.result!.delivery!.commit!, repo.feature, await jobPatch(h.env, onTop.job_id));
  assert.equal(world.api.requests.length, 0, 'no pull request asked: no API call');
});

test("a follow-up whose branch someone else moved fails with the conflict and leaves that person's commit", async () => {
  const first = await run({ prompt: `session-first ${CHANGE}`, workspace: { git: { url: repo.url } }, session_id: 'moved-session', delivery: {} });
  const { branch, commit } = first.result!.delivery!;
  assert.equal(first.result!.delivery!.state, 'pushed');
  const human = gitIn(bare, 'commit-tree', `${commit}^{tree}`, '-p', commit!, '-m', 'a human was here');
  gitIn(bare, 'update-ref', `refs/heads/${branch}`, human);
  const second = await run({ prompt: `session-second [[cmd:printf "again\\n" >> README.md]] [[final:Again]]`, session_id: 'moved-session' });
  assert.equal(second.status, 'completed');
  assert.equal(second.result!.delivery!.state, 'failed');
  assert.match(second.result!.delivery!.error!, /conflict: the branch codex-jobs\/\w{8} moved on the host/);
  assert.equal(branchTip(bare, branch), human, 'never a force push');
});

test("the API's refusal is failed with its answer, the token redacted from result, events and logs; the branch was pushed", async () => {
  world.api.handlers['pulls/create'] = () => {
    throw new StandinAnswer(422, `Validation Failed: the stand-in refuses (it echoes ${TOKEN})`);
  };
  const logs = captureLogs();
  let job;
  try {
    job = await run({ prompt: `api-refuses ${CHANGE}`, workspace: { git: { url: repo.url } }, delivery: { pull_request: true } });
  } finally {
    logs.stop();
  }
  const d = job.result!.delivery!;
  assert.equal(job.status, 'completed');
  assert.equal(d.state, 'failed');
  assert.match(d.error!, /^the host answered 422: Validation Failed: the stand-in refuses \(it echoes \*\*\*\)/);
  assert.equal(branchTip(bare, d.branch), d.commit, 'the branch was pushed before the API refused');
  const events = JSON.stringify(await h.deps.store.listEvents(job.job_id, -1, 10_000));
  assert.match(events, /"type":"delivery"/);
  for (const [where, text] of [['result', JSON.stringify(job.result)], ['events', events], ['logs', logs.text()]] as const) assert.ok(!text.includes(TOKEN), `the token is in ${where}`);
  assert.match(logs.text(), /delivery failed/);
  assert.deepEqual(world.api.violations, []);
});

test('no changes: skipped, nothing pushed', async () => {
  const job = await run({ prompt: 'no-changes [[cmd:cat README.md]] [[final:Nothing]]', workspace: { git: { url: repo.url } }, delivery: { pull_request: true } });
  const branch = `codex-jobs/${job.job_id.slice(0, 8)}`;
  assert.deepEqual(job.result!.delivery, { state: 'skipped', branch });
  assert.equal(branchTip(bare, branch), null);
});
