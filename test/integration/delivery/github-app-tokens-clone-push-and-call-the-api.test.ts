// With GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY (and no GIT_CREDENTIALS), the App's installation
// token for the repository is what clones, pushes and calls the API: the installation is looked up
// with the App's JWT (checked by the stand-in against the App's public key), the token is made
// once and reused by the next job (cached until shortly before it expires), and it appears in no
// result, event or log.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { captureLogs } from '../../support/capture-logs.js';
import { assertTipIsParentPlusPatch, jobPatch } from '../../support/delivered-branch.js';
import { startGitHubWorld, type GitHubWorld } from '../../support/github-standin/github-world.js';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
let world: GitHubWorld;
let h: ProcessorHarness;
let repo: Awaited<ReturnType<GitHubWorld['repository']>>;

before(async () => {
  world = await startGitHubWorld({ app: { id: 4242, publicKey } });
  repo = await world.repository('octo', 'app-repo', { installationId: 77 });
  h = await processorHarness({
    GIT_ALLOWLIST: '127.0.0.1',
    ALLOW_INSECURE_GIT: '1',
    FORGE_HOSTS: `${world.gitHost}=github@${world.api.url}`,
    GITHUB_APP_ID: '4242',
    GITHUB_APP_PRIVATE_KEY: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
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

function passwordOf(authorization: string | undefined): string | undefined {
  const basic = /^Basic (.+)$/.exec(authorization ?? '')?.[1];
  return basic ? Buffer.from(basic, 'base64').toString('utf8').split(':').slice(1).join(':') : undefined;
}

test("the App's installation token clones, pushes and opens the pull request; the next job reuses it", async () => {
  const logs = captureLogs();
  let first, second;
  try {
    first = await run({ prompt: 'app-first [[cmd:printf "app\\n" > app.txt]] [[final:Added app.txt]]', workspace: { git: { url: repo.url } }, delivery: { pull_request: { draft: false, title: 'App change' } } });
    second = await run({ prompt: 'app-second [[cmd:printf "two\\n" > two.txt]] [[final:Added two.txt]]', workspace: { git: { url: repo.url } }, delivery: {} });
  } finally {
    logs.stop();
  }
  assert.equal(first.status, 'completed', JSON.stringify(first.error));
  assert.equal(first.result!.delivery!.state, 'opened', JSON.stringify(first.result!.delivery));
  assert.equal(second.result!.delivery!.state, 'pushed', JSON.stringify(second.result!.delivery));
  await assertTipIsParentPlusPatch(path.join(world.git.root, 'octo/app-repo.git'), first.result!.delivery!.commit!, repo.second, await jobPatch(h.env, first.job_id));
  assert.deepEqual(world.api.pulls.map((p) => ({ title: p.title, draft: p.draft })), [{ title: 'App change', draft: false }]);

  assert.equal(world.api.issuedTokens.length, 1, 'one token for both jobs (cached)');
  const token = world.api.issuedTokens[0]!.token;
  const gitRequests = world.git.requests;
  assert.ok(gitRequests.some((r) => r.path.endsWith('/git-receive-pack')), 'a push happened');
  assert.ok(gitRequests.some((r) => r.path.endsWith('/git-upload-pack')), 'a clone happened');
  assert.ok(gitRequests.every((r) => passwordOf(r.authorization) === token), 'every clone and push request carried the installation token');
  const apiCalls = world.api.requests.filter((r) => !r.path.startsWith('/app/') && !r.path.endsWith('/installation'));
  assert.ok(apiCalls.some((r) => r.operationId === 'pulls/create'));
  assert.ok(apiCalls.every((r) => r.credential === 'installation:77'), JSON.stringify(apiCalls.map((r) => [r.operationId, r.credential])));
  assert.deepEqual(
    world.api.requests.filter((r) => r.credential === 'app').map((r) => r.operationId),
    ['apps/get-repo-installation', 'apps/create-installation-access-token'],
  );
  assert.deepEqual(world.api.violations, []);
  const events = JSON.stringify([...(await h.deps.store.listEvents(first.job_id, -1, 10_000)), ...(await h.deps.store.listEvents(second.job_id, -1, 10_000))]);
  for (const [where, text] of [['results', JSON.stringify([first.result, second.result])], ['events', events], ['logs', logs.text()]] as const) assert.ok(!text.includes(token), `the App token is in ${where}`);
});
