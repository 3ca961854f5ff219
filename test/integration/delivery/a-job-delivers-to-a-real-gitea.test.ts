// Delivery to a real Gitea (built from the Go module proxy, test/support/gitea-server.ts), no
// stand-in: the processor clones over Gitea's http with GIT_CREDENTIALS, the real codex (scripted
// model) changes files, the delivery pushes one commit whose tree is the base plus exactly the
// job's patch and opens ONE pull request, seen through Gitea's own API (a draft: a "WIP:" title).
// Another branch's pull request is open beforehand, and Gitea ignores the list's `head` filter, so
// the delivery must find (none of) its own by head ref. A follow-up in the session adds a commit to
// the same pull request and opens none.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertTipIsParentPlusPatch, branchTip, jobPatch } from '../../support/delivered-branch.js';
import { startGiteaServer, type GiteaRepository, type GiteaServer } from '../../support/gitea-server.js';
import { gitIn } from '../../support/git-http-server.js';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';

interface GiteaPull {
  number: number;
  html_url: string;
  title: string;
  state: string;
  head: { ref: string; sha: string };
  base: { ref: string };
}

let gitea: GiteaServer;
let h: ProcessorHarness;
let repo: GiteaRepository;
let other: GiteaPull;

before(async () => {
  gitea = await startGiteaServer();
  repo = await gitea.repository('repo');
  other = await gitea.api<GiteaPull>('POST', `/repos/${gitea.user}/repo/pulls`, { head: 'feature', base: 'main', title: 'Another branch' });
  h = await processorHarness({
    GIT_ALLOWLIST: '127.0.0.1',
    ALLOW_INSECURE_GIT: '1',
    GIT_CREDENTIALS: `${gitea.host}=${gitea.token}`,
    FORGE_HOSTS: `${gitea.host}=gitea@${gitea.apiBaseUrl}`,
    GIT_AUTHOR: 'Delivery Bot <bot@example.com>',
  });
});
after(async () => {
  await h?.close();
  await gitea?.close();
});

async function run(request: Parameters<ProcessorHarness['submit']>[0]) {
  const { job, message } = await h.submit(request);
  await h.deliver(message);
  return (await h.deps.store.get(job.job_id))!;
}

const openPulls = () => gitea.api<GiteaPull[]>('GET', `/repos/${gitea.user}/repo/pulls?state=open&limit=50`);

test('a job on a Gitea repository opens one pull request (base + exactly its patch) beside another branch’s; a follow-up adds a commit to it', async () => {
  const first = await run({
    prompt: 'gitea-first [[cmd:printf "fixed\\n" >> README.md]] [[cmd:printf "new\\n" > added.txt]] [[final:Fixed the README\n\nAnd added a file.]]',
    workspace: { git: { url: repo.url } },
    session_id: 'gitea-session',
    delivery: { pull_request: true },
  });
  assert.equal(first.status, 'completed', JSON.stringify(first.error));
  const d1 = first.result!.delivery!;
  const branch = `codex-jobs/${first.job_id.slice(0, 8)}`;
  assert.equal(d1.state, 'opened', JSON.stringify(d1));
  assert.equal(d1.branch, branch);
  assert.equal(branchTip(repo.bare, branch), d1.commit);
  await assertTipIsParentPlusPatch(repo.bare, d1.commit!, repo.second, await jobPatch(h.env, first.job_id));
  assert.equal(branchTip(repo.bare, 'main'), repo.second, 'the base branch is untouched');
  assert.equal(gitIn(repo.bare, 'log', '-1', '--format=%an <%ae>|%s', d1.commit!), 'Delivery Bot <bot@example.com>|Fixed the README');

  const afterFirst = await openPulls();
  assert.deepEqual(afterFirst.map((p) => p.number).sort(), [other.number, d1.pull_request!.number].sort(), 'one new pull request beside the other branch’s');
  const pr = afterFirst.find((p) => p.number === d1.pull_request!.number)!;
  assert.deepEqual(
    { head: pr.head.ref, sha: pr.head.sha, base: pr.base.ref, title: pr.title, url: pr.html_url },
    { head: branch, sha: d1.commit, base: 'main', title: 'WIP: Fixed the README', url: d1.pull_request!.url },
  );

  const second = await run({ prompt: 'gitea-second [[cmd:printf "more\\n" >> added.txt]] [[final:More]]', session_id: 'gitea-session' });
  assert.equal(second.status, 'completed', JSON.stringify(second.error));
  const d2 = second.result!.delivery!;
  assert.deepEqual({ state: d2.state, branch: d2.branch, pull_request: d2.pull_request }, { state: 'updated', branch, pull_request: d1.pull_request });
  await assertTipIsParentPlusPatch(repo.bare, d2.commit!, d1.commit!, await jobPatch(h.env, second.job_id));

  const afterSecond = await openPulls();
  assert.deepEqual(afterSecond.map((p) => p.number).sort(), afterFirst.map((p) => p.number).sort(), 'no pull request opened by the follow-up');
  const updated = await gitea.api<GiteaPull>('GET', `/repos/${gitea.user}/repo/pulls/${pr.number}`);
  assert.equal(updated.head.sha, d2.commit);
  const commits = await gitea.api<{ sha: string }[]>('GET', `/repos/${gitea.user}/repo/pulls/${pr.number}/commits`);
  assert.deepEqual(commits.map((c) => c.sha).sort(), [d1.commit, d2.commit].sort());
});
