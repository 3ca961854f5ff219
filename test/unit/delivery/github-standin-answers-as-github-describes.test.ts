// The GitHub stand-in itself: driven by the real @octokit/rest and @octokit/auth-app, every answer is
// valid against GitHub's OpenAPI description (no violation recorded), the state holds across calls
// (pull requests by head, comments, installations and their tokens, a merge closing its issue), and
// a request GitHub would refuse (unknown path, wrong method, bad body, unknown parameter, no or a
// wrong credential) is refused and recorded as a violation.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import { startGitHubWorld, type GitHubWorld } from '../../support/github-standin/github-world.js';
import { gitIn } from '../../support/git-http-server.js';
import path from 'node:path';

const TOKEN = 'ghp_standin_personal_token';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
let world: GitHubWorld;

before(async () => {
  world = await startGitHubWorld({ token: TOKEN, app: { id: 4242, publicKey } });
  await world.repository('octo', 'repo', { installationId: 77 });
});
after(() => world.close());

const octokit = (auth?: string) => new Octokit({ baseUrl: world.api.url, ...(auth ? { auth } : {}) });

test('pull requests and comments: created, listed by head, read, updated; every answer valid against the description', async () => {
  const gh = octokit(TOKEN);
  const repo = await gh.rest.repos.get({ owner: 'octo', repo: 'repo' });
  assert.equal(repo.data.default_branch, 'main');
  assert.equal(repo.data.clone_url, `${world.git.url}/octo/repo.git`);
  const created = await gh.rest.pulls.create({ owner: 'octo', repo: 'repo', head: 'feature', base: 'main', title: 'T', body: 'Closes #9', draft: true });
  assert.equal(created.status, 201);
  assert.equal(created.data.number, 1);
  assert.equal(created.data.draft, true);
  assert.equal(created.data.head.sha, gitIn(world.git.root, '--git-dir', path.join(world.git.root, 'octo/repo.git'), 'rev-parse', 'feature'));
  const listed = await gh.rest.pulls.list({ owner: 'octo', repo: 'repo', head: 'octo:feature', state: 'open' });
  assert.deepEqual(listed.data.map((p) => p.number), [1]);
  assert.deepEqual((await gh.rest.pulls.list({ owner: 'octo', repo: 'repo', head: 'octo:other' })).data, []);
  await assert.rejects(gh.rest.pulls.create({ owner: 'octo', repo: 'repo', head: 'feature', base: 'main', title: 'again' }), (e: { status: number }) => e.status === 422);
  const updated = await gh.rest.pulls.update({ owner: 'octo', repo: 'repo', pull_number: 1, body: 'Closes #9\n\nmore' });
  assert.equal(updated.data.body, 'Closes #9\n\nmore');
  assert.equal((await gh.rest.pulls.get({ owner: 'octo', repo: 'repo', pull_number: 1 })).data.title, 'T');
  const comment = await gh.rest.issues.createComment({ owner: 'octo', repo: 'repo', issue_number: 9, body: 'working on it' });
  await gh.rest.issues.updateComment({ owner: 'octo', repo: 'repo', comment_id: comment.data.id, body: 'done' });
  assert.deepEqual((await gh.rest.issues.listComments({ owner: 'octo', repo: 'repo', issue_number: 9 })).data.map((c) => c.body), ['done']);
  // A topic branch one commit ahead of main, merged: main fast-forwards, and the issue it closes is closed.
  const bare = path.join(world.git.root, 'octo/repo.git');
  const ahead = gitIn(world.git.root, '--git-dir', bare, 'commit-tree', 'main^{tree}', '-p', 'main', '-m', 'topic');
  gitIn(world.git.root, '--git-dir', bare, 'update-ref', 'refs/heads/topic', ahead);
  const topic = await gh.rest.pulls.create({ owner: 'octo', repo: 'repo', head: 'topic', base: 'main', title: 'topic', body: 'Fixes #9' });
  await world.api.merge('octo/repo', topic.data.number);
  assert.equal(gitIn(world.git.root, '--git-dir', bare, 'rev-parse', 'main'), ahead);
  assert.ok(world.api.closedIssues.has('octo/repo#9'));
  assert.equal((await gh.rest.pulls.get({ owner: 'octo', repo: 'repo', pull_number: topic.data.number })).data.merged, true);
  assert.equal((await gh.rest.pulls.get({ owner: 'octo', repo: 'repo', pull_number: 1 })).data.merged, false);
  assert.deepEqual(world.api.violations, []);
});

test('a GitHub App: the installation of a repository, a token for it (JWT checked), and that token reaches only its repositories', async () => {
  await world.repository('other', 'elsewhere');
  const auth = createAppAuth({ appId: 4242, privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), request: octokit().request });
  const app = new Octokit({ baseUrl: world.api.url, authStrategy: createAppAuth, auth: { appId: 4242, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() } });
  const installation = await app.rest.apps.getRepoInstallation({ owner: 'octo', repo: 'repo' });
  assert.equal(installation.data.id, 77);
  const { token } = await auth({ type: 'installation', installationId: 77 });
  assert.equal(world.api.issuedTokens.at(-1)?.token, token);
  assert.equal((await octokit(token).rest.repos.get({ owner: 'octo', repo: 'repo' })).status, 200);
  await assert.rejects(octokit(token).rest.repos.get({ owner: 'other', repo: 'elsewhere' }), (e: { status: number }) => e.status === 404);
  const { privateKey: otherKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const impostor = createAppAuth({ appId: 4242, privateKey: otherKey.export({ type: 'pkcs1', format: 'pem' }).toString(), request: octokit().request });
  await assert.rejects(impostor({ type: 'installation', installationId: 77 }), (e: { status: number }) => e.status === 401);
  assert.deepEqual(world.api.violations, []);
  assert.ok(world.api.requests.some((r) => r.operationId === 'apps/create-installation-access-token' && r.credential === 'app'));
});

test('requests GitHub would refuse are refused and recorded as violations', async () => {
  const before = world.api.violations.length;
  const gh = octokit(TOKEN);
  // Requests octokit's types would not let through: the stand-in must refuse them as GitHub would.
  const raw = gh.request as unknown as (route: string, params: Record<string, unknown>) => Promise<unknown>;
  await assert.rejects(gh.request('GET /repos/{owner}/{repo}/no-such-thing', { owner: 'octo', repo: 'repo' }), (e: { status: number }) => e.status === 404);
  await assert.rejects(raw('DELETE /repos/{owner}/{repo}/pulls', { owner: 'octo', repo: 'repo' }), (e: { status: number }) => e.status === 404);
  await assert.rejects(raw('POST /repos/{owner}/{repo}/pulls', { owner: 'octo', repo: 'repo', head: 'feature', base: 'main', draft: 'yes' }), (e: { status: number }) => e.status === 422);
  await assert.rejects(raw('GET /repos/{owner}/{repo}/pulls', { owner: 'octo', repo: 'repo', colour: 'blue' }), (e: { status: number }) => e.status === 422);
  await assert.rejects(raw('GET /repos/{owner}/{repo}/pulls', { owner: 'octo', repo: 'repo', state: 'merged' }), (e: { status: number }) => e.status === 422);
  const found = world.api.violations.slice(before);
  assert.equal(found.length, 5, found.join('\n'));
  assert.match(found[2]!, /body\/draft: must be boolean/);
  assert.match(found[3]!, /query parameter colour is not a parameter/);
  world.api.violations.splice(before);
  // The answers' check is real: a pull request without its required fields is not one.
  const pullsGet = world.api.description.match('GET', '/repos/octo/repo/pulls/1');
  assert.ok(!('problem' in pullsGet));
  assert.ok(world.api.description.checkResponse(pullsGet, 200, { number: 1 }).some((p) => /must have required property/.test(p)));
  await assert.rejects(octokit().rest.repos.get({ owner: 'octo', repo: 'repo' }), (e: { status: number }) => e.status === 401);
  await assert.rejects(octokit('ghp_wrong').rest.repos.get({ owner: 'octo', repo: 'repo' }), (e: { status: number }) => e.status === 401);
});
