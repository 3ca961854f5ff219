// Delivery end to end with real parts: the processor clones from git http-backend with
// GIT_CREDENTIALS, the real codex (scripted model) changes files, and the delivery pushes one commit
// whose tree is the base with exactly the job's patch, then opens one draft pull request through
// the GitHub stand-in (every request checked against GitHub's OpenAPI description). A follow-up in
// the session adds a commit on the same branch under the same pull request (`updated`, no second
// one); a follow-up without changes is `skipped`. The token is in no result, event, log, output,
// workspace file or agent environment.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { captureLogs } from '../../support/capture-logs.js';
import { assertTipIsParentPlusPatch, branchTip, jobPatch } from '../../support/delivered-branch.js';
import { startGitHubWorld, type GitHubWorld } from '../../support/github-standin/github-world.js';
import { gitIn } from '../../support/git-http-server.js';
import { eventually } from '../../support/test-env.js';
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
    GIT_AUTHOR: 'Delivery Bot <bot@example.com>',
    LOG_LEVEL: 'DEBUG',
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

test('a job delivers one commit (base + exactly its patch) and one draft pull request; a follow-up adds a commit to it; no changes is skipped', async () => {
  const logs = captureLogs();
  let first, second, third;
  try {
    first = await run({
      prompt: 'deliver-first [[cmd:printf "fixed\\n" >> README.md]] [[cmd:printf "new\\n" > added.txt]] [[cmd:env; cat .git/config]] [[final:Fixed the README\n\nAnd added a file.]]',
      workspace: { git: { url: repo.url } },
      session_id: 'delivery-session',
      delivery: { pull_request: { body: 'Closes #7' } },
    });
    assert.equal(first.status, 'completed', JSON.stringify(first.error));
    const d1 = first.result!.delivery!;
    const branch = `codex-jobs/${first.job_id.slice(0, 8)}`;
    assert.equal(d1.state, 'opened', JSON.stringify(d1));
    assert.equal(d1.branch, branch);
    assert.equal(branchTip(bare, branch), d1.commit);
    await assertTipIsParentPlusPatch(bare, d1.commit!, repo.second, await jobPatch(h.env, first.job_id));
    assert.equal(branchTip(bare, 'main'), repo.second, 'the base branch is untouched');
    const author = gitIn(bare, 'log', '-1', '--format=%an <%ae>|%s', d1.commit!);
    assert.equal(author, 'Delivery Bot <bot@example.com>|Fixed the README');
    assert.equal(world.api.pulls.length, 1);
    const pr = world.api.pulls[0]!;
    assert.deepEqual({ head: pr.head, base: pr.base, draft: pr.draft, title: pr.title }, { head: branch, base: 'main', draft: true, title: 'Fixed the README' });
    assert.deepEqual(d1.pull_request, { number: pr.number, url: `${world.api.url}/octo/repo/pull/${pr.number}` });
    assert.match(pr.body!, /^Closes #7\n\nFixed the README\n\nAnd added a file\.\n\n---\n2 files changed, 2 insertions\(\+\), 0 deletions\(-\)\nJob: `[0-9a-f-]{36}`$/);
    assert.ok(pr.body!.includes(first.job_id));
    const events = await h.deps.store.listEvents(first.job_id, -1, 10_000);
    assert.deepEqual(events.filter((e) => e.type === 'delivery').map((e) => e.data), [d1]);
    assert.deepEqual(await waitForResult(first.job_id), d1, 'codex-results (and so the webhook) carries the delivery');

    second = await run({ prompt: 'deliver-second [[cmd:printf "more\\n" >> added.txt]] [[final:More]]', session_id: 'delivery-session' });
    assert.equal(second.status, 'completed', JSON.stringify(second.error));
    const d2 = second.result!.delivery!;
    assert.deepEqual({ state: d2.state, branch: d2.branch, pull_request: d2.pull_request }, { state: 'updated', branch, pull_request: d1.pull_request });
    assert.equal(branchTip(bare, branch), d2.commit);
    await assertTipIsParentPlusPatch(bare, d2.commit!, d1.commit!, await jobPatch(h.env, second.job_id));
    assert.equal(world.api.pulls.length, 1, 'never a second pull request');

    third = await run({ prompt: 'deliver-third [[cmd:cat added.txt]] [[final:Nothing to change]]', session_id: 'delivery-session' });
    assert.deepEqual(third.result!.delivery, { state: 'skipped', branch });
    assert.equal(branchTip(bare, branch), d2.commit, 'nothing pushed');
  } finally {
    logs.stop();
  }
  assert.ok(!world.api.requests.some((r) => r.operationId === 'pulls/create' && r.credential !== 'pat'));
  assert.deepEqual(world.api.violations, []);
  const encoded = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');
  const haystacks: [string, string][] = [['logs', logs.text()]];
  for (const job of [first, second, third]) {
    haystacks.push([`result of ${job.job_id}`, JSON.stringify(job.result)], [`events of ${job.job_id}`, JSON.stringify(await h.deps.store.listEvents(job.job_id, -1, 10_000))]);
  }
  const [objects] = await h.env.storage.bucket(h.env.config.RESULTS_BUCKET).getFiles({ prefix: 'jobs/' });
  for (const f of objects) haystacks.push([f.name, (await f.download())[0].toString('utf8')]);
  haystacks.push(['the agent (env, .git/config)', JSON.stringify(h.modelRequestsFor('deliver-first'))]);
  assert.match(haystacks.at(-1)![1], /remote \\"origin\\"/, "the agent's output was seen");
  for (const [where, text] of haystacks) {
    assert.ok(!text.includes(TOKEN), `the token is in ${where}`);
    assert.ok(!text.includes(encoded), `the encoded token is in ${where}`);
  }
});

async function waitForResult(jobId: string): Promise<unknown> {
  const m = await eventually(() => h.results.messages.find((x) => (x.data as { job_id: string }).job_id === jobId), `the codex-results message of ${jobId}`);
  return (m.data as { delivery?: unknown }).delivery;
}
