// A job that starts from git, cloned by the processor's own git from a local smart-HTTP server
// (git http-backend): a branch, a tag, a commit or the remote HEAD; a missing ref or a refused URL
// is a workspace_error naming it. With GIT_CREDENTIALS the token reaches the git server and nothing
// else: not the workspace, .git/config, the outputs, the events, the logs, the result or the agent.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { captureLogs } from '../../support/capture-logs.js';
import { startGitHttpServer, makeFixtureRepository, type GitHttpServer } from '../../support/git-http-server.js';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';

const TOKEN = `tok_${randomBytes(12).toString('hex')}`;
let open: GitHttpServer;
let privateServer: GitHttpServer;
let commits: Awaited<ReturnType<typeof makeFixtureRepository>>;
let h: ProcessorHarness;

before(async () => {
  open = await startGitHttpServer();
  privateServer = await startGitHttpServer({ token: TOKEN });
  commits = await makeFixtureRepository(open.root, 'repo');
  await makeFixtureRepository(privateServer.root, 'private');
  h = await processorHarness({
    GIT_ALLOWLIST: '127.0.0.1',
    ALLOW_INSECURE_GIT: '1',
    GIT_CREDENTIALS: `127.0.0.1:${new URL(privateServer.url).port}=${TOKEN}`,
    LOG_LEVEL: 'DEBUG',
  });
});
after(async () => {
  await h.close();
  await open.close();
  await privateServer.close();
});

async function run(prompt: string, git: { url: string; ref?: string; depth?: number }) {
  const { job, message } = await h.submit({ prompt, workspace: { git } });
  await h.deliver(message);
  return (await h.deps.store.get(job.job_id))!;
}

test('the remote HEAD, a branch, a tag and a commit are checked out; changes are against the checked-out commit', async () => {
  const url = `${open.url}/repo.git`;
  const head = await run('git-head [[cmd:git log --format=%H -n 5; ls]] [[final:ok]]', { url });
  assert.equal(head.status, 'completed', JSON.stringify(head.error));
  assert.match(head.result!.stdout, new RegExp(commits.second));
  assert.doesNotMatch(head.result!.stdout, new RegExp(commits.first), 'depth 1 by default: only the tip');
  assert.deepEqual(head.result!.changes!.base, { kind: 'git', commit: commits.second, url, ref: 'main' });

  const branch = await run('git-branch [[cmd:cat feature.txt]] [[cmd:printf "more\\n" >> feature.txt]] [[final:ok]]', { url, ref: 'feature' });
  assert.equal(branch.status, 'completed', JSON.stringify(branch.error));
  assert.match(branch.result!.stdout, /feature/);
  assert.equal(branch.result!.changes!.base.commit, commits.feature);
  assert.deepEqual(branch.result!.changes!.files, [{ path: 'feature.txt', change: 'modified', size_bytes: 13 }]);
  assert.deepEqual(branch.result!.created_files.map((f) => f.filename), ['feature.txt'], 'checked-out files that did not change are not outputs');

  const tag = await run('git-tag [[cmd:ls]] [[final:ok]]', { url, ref: 'v1', depth: 0 });
  assert.equal(tag.result!.changes!.base.commit, commits.first);
  assert.doesNotMatch(tag.result!.stdout, /second\.txt/);

  const commit = await run('git-commit [[cmd:git log --format=%H]] [[final:ok]]', { url, ref: commits.first, depth: 0 });
  assert.equal(commit.status, 'completed', JSON.stringify(commit.error));
  assert.equal(commit.result!.changes!.base.commit, commits.first);
});

test('a missing ref, a missing repository and a refused URL fail with workspace_error naming them, before any turn', async () => {
  const missingRef = await run('git-missing-ref [[final:no]]', { url: `${open.url}/repo.git`, ref: 'no-such-branch' });
  assert.equal(missingRef.error?.code, 'workspace_error');
  assert.match(missingRef.error!.message, /workspace\.git\.ref no-such-branch was not found/);
  const missingRepo = await run('git-missing-repo [[final:no]]', { url: `${open.url}/nope.git` });
  assert.equal(missingRepo.error?.code, 'workspace_error');
  assert.match(missingRepo.error!.message, /nope\.git/);
  const refused = await run('git-refused [[final:no]]', { url: 'http://10.1.2.3/repo.git' });
  assert.equal(refused.error?.code, 'workspace_error');
  assert.match(refused.error!.message, /workspace\.git\.url host 10\.1\.2\.3 is a private/);
  for (const marker of ['git-missing-ref', 'git-missing-repo', 'git-refused']) assert.equal(h.modelRequestsFor(marker).length, 0);
});

test('GIT_CREDENTIALS: the private repository clones, and the token is nowhere but in the requests to its server', async () => {
  const logs = captureLogs();
  let job;
  try {
    job = await run(
      'git-private [[cmd:env; cat .git/config; git config --list --show-origin; cat /proc/self/environ | tr "\\0" "\\n"]] [[cmd:env > env.txt; cp .git/config git-config.txt]] [[final:done]]',
      { url: `${privateServer.url}/private.git` },
    );
  } finally {
    logs.stop();
  }
  assert.equal(job.status, 'completed', JSON.stringify(job.error));
  assert.match(logs.text(), new RegExp(job.job_id), 'the run was logged (and those logs are checked below)');
  assert.ok(privateServer.requests.length > 0 && privateServer.requests.every((r) => r.authorization?.startsWith('Basic ')), 'every request to the private server carried the token');
  assert.ok(open.requests.every((r) => !r.authorization), 'no other server got it');
  const encoded = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');
  const haystacks: [string, string][] = [
    ['result', JSON.stringify(job.result)],
    ['error', JSON.stringify(job.error)],
    ['events', JSON.stringify(await h.deps.store.listEvents(job.job_id, -1, 10_000))],
    ['logs', logs.text()],
    ['model requests (the agent output it saw)', JSON.stringify(h.modelRequestsFor('git-private'))],
  ];
  const [outputs] = await h.env.storage.bucket(h.env.config.OUTPUTS_BUCKET).getFiles({ prefix: `jobs/${job.job_id}/` });
  assert.ok(outputs.some((f) => f.name.endsWith('outputs/env.txt')));
  for (const f of outputs) haystacks.push([f.name, (await f.download())[0].toString('utf8')]);
  const [results] = await h.env.storage.bucket(h.env.config.RESULTS_BUCKET).getFiles({ prefix: `jobs/${job.job_id}/` });
  for (const f of results) haystacks.push([f.name, (await f.download())[0].toString('utf8')]);
  assert.match(haystacks.find(([n]) => n.endsWith('git-config.txt'))![1], /\[remote "origin"\]/, "the agent read the workspace's .git/config");
  for (const [where, text] of haystacks) {
    assert.ok(!text.includes(TOKEN), `the token is in ${where}`);
    assert.ok(!text.includes(encoded), `the encoded token is in ${where}`);
  }
});
