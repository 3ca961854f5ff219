// GitLab: the same delivery through @gitbeaker/rest against a stand-in that checks every request
// against the merge-request attributes of GitLab's API documentation. One draft merge request
// (GitLab's "Draft:" title) for the branch; a follow-up in the session updates it, never a second.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { assertTipIsParentPlusPatch, jobPatch } from '../../support/delivered-branch.js';
import { makeFixtureRepository, startGitHttpServer, type GitHttpServer } from '../../support/git-http-server.js';
import { startGitLabStandin, type GitLabStandin } from '../../support/gitlab-standin.js';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';

const TOKEN = `glpat-${randomBytes(10).toString('hex')}`;
let git: GitHttpServer;
let gitlab: GitLabStandin;
let h: ProcessorHarness;
let commits: Awaited<ReturnType<typeof makeFixtureRepository>>;

before(async () => {
  git = await startGitHttpServer({ token: TOKEN });
  gitlab = await startGitLabStandin(TOKEN);
  commits = await makeFixtureRepository(git.root, 'group/project');
  gitlab.projects.set('group/project', 'main');
  const host = new URL(git.url).host;
  h = await processorHarness({
    GIT_ALLOWLIST: '127.0.0.1',
    ALLOW_INSECURE_GIT: '1',
    GIT_CREDENTIALS: `${host}=${TOKEN}`,
    FORGE_HOSTS: `${host}=gitlab@${gitlab.url}/api/v4`,
  });
});
after(async () => {
  await h.close();
  await gitlab.close();
  await git.close();
});

async function run(request: Parameters<ProcessorHarness['submit']>[0]) {
  const { job, message } = await h.submit(request);
  await h.deliver(message);
  return (await h.deps.store.get(job.job_id))!;
}

test('a draft merge request for the delivered branch; a follow-up adds a commit under the same one', async () => {
  const url = `${git.url}/group/project.git`;
  const first = await run({ prompt: 'gl-first [[cmd:printf "gitlab\\n" > gl.txt]] [[final:Added gl.txt]]', workspace: { git: { url } }, session_id: 'gl-session', delivery: { pull_request: true } });
  assert.equal(first.status, 'completed', JSON.stringify(first.error));
  const d1 = first.result!.delivery!;
  assert.equal(d1.state, 'opened', JSON.stringify(d1));
  await assertTipIsParentPlusPatch(path.join(git.root, 'group/project.git'), d1.commit!, commits.second, await jobPatch(h.env, first.job_id));
  assert.equal(gitlab.mergeRequests.length, 1);
  const mr = gitlab.mergeRequests[0]!;
  assert.deepEqual({ title: mr.title, source: mr.source_branch, target: mr.target_branch }, { title: 'Draft: Added gl.txt', source: d1.branch, target: 'main' });
  assert.ok(mr.description!.includes(first.job_id) && mr.description!.includes('1 file changed, 1 insertion(+), 0 deletions(-)'));
  assert.deepEqual(d1.pull_request, { number: 1, url: `${gitlab.url}/group/project/-/merge_requests/1` });

  const second = await run({ prompt: 'gl-second [[cmd:printf "more\\n" >> gl.txt]] [[final:More]]', session_id: 'gl-session' });
  const d2 = second.result!.delivery!;
  assert.deepEqual({ state: d2.state, branch: d2.branch, pull_request: d2.pull_request }, { state: 'updated', branch: d1.branch, pull_request: d1.pull_request });
  await assertTipIsParentPlusPatch(path.join(git.root, 'group/project.git'), d2.commit!, d1.commit!, await jobPatch(h.env, second.job_id));
  assert.equal(gitlab.mergeRequests.length, 1, 'never a second merge request');
  assert.deepEqual(gitlab.violations, []);
  assert.ok(gitlab.requests.every((r) => r.status < 400));
});
