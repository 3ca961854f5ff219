// Issue 24's "done when", through the stack with the real codex binary: a comment
// `@codex-jobs fix the failing test` on an issue of a mapped repository ends, with no other action,
// in a pull request that closes the issue and holds the job's change; a follow-up comment on that
// pull request adds a commit to it (the same branch, no second pull request). GitHub is the API
// stand-in (validated against GitHub's OpenAPI description) over git http-backend; the model is the
// scripted one, whose turn fixes the file.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Firestore } from '@google-cloud/firestore';
import { startStack, type Stack } from '../../dev/stack.js';
import { startScriptedModel, type ModelReply, type ModelRequest, type ScriptedModel } from '../../dev/scripted-model.js';
import type { JobDocument } from '../../shared/jobs/job-document.js';
import { startGitHubWorld, type GitHubWorld } from '../support/github-standin/github-world.js';
import { examplePayload, githubDelivery } from '../support/github-webhooks.js';
import { eventually, requireEmulators } from '../support/test-env.js';
import { waitForJob } from '../support/wait-for-job.js';

const SECRET = 'e2e-github-webhook-secret';
const TOKEN = 'ghp_e2e_forge_token';
const WEBHOOK_SECRET = 'whsec_' + Buffer.from('e2e-forge-webhook-secret-0123456789').toString('base64');
const REPO = 'octo/calc';
const ISSUE = 7;
let world: GitHubWorld;
let model: ScriptedModel;
let stack: Stack;
let firestore: Firestore;
let workDir: string;

const git = (gitDir: string, ...args: string[]) => execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8' }).trim();

/** A repository whose test fails: add() subtracts. */
function makeCalcRepository(root: string): void {
  const work = mkdtempSync(path.join(workDir, 'calc-'));
  const sh = (script: string) => execFileSync('sh', ['-c', script], { cwd: work });
  sh('git init -q -b main && git config user.email t@example.com && git config user.name t');
  sh(`printf 'exports.add = (a, b) => a - b;\\n' > math.js`);
  sh(`printf "const test = require('node:test');\\nconst assert = require('node:assert');\\nconst { add } = require('./math.js');\\ntest('adds', () => assert.equal(add(2, 3), 5));\\n" > math.test.js`);
  sh('git add -A && git commit -qm "calc with a failing test"');
  execFileSync('git', ['clone', '-q', '--bare', work, path.join(root, `${REPO}.git`)]);
  rmSync(work, { recursive: true, force: true });
}

/** The model's turns: the first comment fixes math.js; the follow-up adds a test for negative numbers. */
function reply(request: ModelRequest): ModelReply {
  const followUp = request.prompt.startsWith('also test negative numbers');
  if (request.step === 0) {
    return followUp
      ? { kind: 'command', cmd: `printf "const test = require('node:test');\\nconst assert = require('node:assert');\\nconst { add } = require('./math.js');\\ntest('negatives', () => assert.equal(add(-2, -3), -5));\\n" > negative.test.js` }
      : { kind: 'command', cmd: `printf 'exports.add = (a, b) => a + b;\\n' > math.js` };
  }
  return { kind: 'message', text: followUp ? 'Added a test for negative numbers.' : 'Fixed add(): it subtracted instead of adding.' };
}

before(async () => {
  const hosts = requireEmulators();
  workDir = mkdtempSync(path.join(os.tmpdir(), 'e2e-forge-'));
  world = await startGitHubWorld({ token: TOKEN });
  makeCalcRepository(world.git.root);
  world.api.addRepository({ owner: 'octo', name: 'calc' });
  model = await startScriptedModel({ reply });
  stack = await startStack({
    ports: 'free',
    projectId: `e2e-forge-${Date.now().toString(36)}`,
    emulators: { pubsub: hosts.pubsub, firestore: hosts.firestore, storage: hosts.storage },
    env: {
      TMPDIR: workDir,
      WEBHOOK_SECRET,
      LOG_LEVEL: 'WARNING',
      API_KEYS: 'octo-team:octo-team-key',
      CODEX_PROVIDER_BASE_URL: model.url,
      OPENAI_API_KEY: 'offline-scripted-model',
      CODEX_MODEL: 'offline-scripted-model',
      GITHUB_WEBHOOK_SECRET: SECRET,
      GITHUB_REPOS: `${REPO}=octo-team`,
      FORGE_HOSTS: `${world.gitHost}=github@${world.api.url}`,
      GIT_CREDENTIALS: `${world.gitHost}=${TOKEN}`,
      GIT_ALLOWLIST: '127.0.0.1',
      ALLOW_INSECURE_GIT: '1',
    },
  });
  firestore = new Firestore({ projectId: stack.config.GOOGLE_CLOUD_PROJECT });
});

after(async () => {
  await stack?.stop();
  await firestore?.terminate();
  await model?.close();
  await world?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/** A collaborator's comment on the issue (or on pull request `onPull`), signed as GitHub signs it. */
async function comment(body: string, onPull?: number): Promise<string> {
  const p = examplePayload('issue_comment', 'created');
  Object.assign(p.repository, { full_name: REPO, name: 'calc', clone_url: `${world.git.url}/${REPO}.git`, default_branch: 'main' });
  Object.assign(p.issue, { number: onPull ?? ISSUE, title: onPull ? 'Fix add' : 'add() is broken', body: onPull ? null : 'math.test.js fails.' });
  if (onPull) p.issue.pull_request = { url: `${world.api.url}/repos/${REPO}/pulls/${onPull}` };
  Object.assign(p.comment, { body, author_association: 'COLLABORATOR' });
  const d = githubDelivery('issue_comment', p, { secret: SECRET });
  const res = await fetch(`${stack.apiUrl}/forge/github`, { method: 'POST', headers: d.headers, body: d.body });
  const answer = (await res.json()) as { job_id?: string };
  assert.equal(res.status, 202, JSON.stringify(answer));
  assert.ok(answer.job_id, JSON.stringify(answer));
  return answer.job_id;
}

/** The reply comment on `number`, once it shows the job ended. */
function endedReply(number: number, jobId: string) {
  return eventually(() => world.api.comments.find((c) => c.repo === REPO && c.issue_number === number && c.body.includes(jobId) && /\*\*(completed|failed|cancelled)\*\*/.test(c.body)), `the reply on #${number} shows job ${jobId} ended`, 60_000, 100);
}

async function completed(jobId: string): Promise<JobDocument> {
  const job = await waitForJob(firestore, jobId);
  assert.equal(job.status, 'completed', JSON.stringify(job.error));
  return job;
}

test('a comment on an issue ends in a pull request that closes it with the fix; a follow-up comment on it adds a commit to the same pull request', async () => {
  const bare = path.join(world.git.root, `${REPO}.git`);
  const base = git(bare, 'rev-parse', 'refs/heads/main');

  const jobId = await comment('@codex-jobs fix the failing test');
  assert.ok(world.api.comments.some((c) => c.repo === REPO && c.issue_number === ISSUE && c.body.includes(jobId)), 'the reply links the job');
  const job = await completed(jobId);
  const delivery = job.result?.delivery;
  assert.equal(delivery?.state, 'opened', JSON.stringify(delivery));
  const pulls = world.api.pulls.filter((p) => p.repo === REPO);
  assert.equal(pulls.length, 1);
  const pr = pulls[0]!;
  assert.equal(pr.number, delivery.pull_request?.number);
  assert.equal(pr.base, 'main');
  assert.match(pr.body ?? '', new RegExp(`Closes #${ISSUE}\\b`));
  // The pull request holds exactly the job's change: math.js fixed, nothing else.
  assert.equal(git(bare, 'diff', '--name-only', base, `refs/heads/${pr.head}`), 'math.js');
  assert.equal(git(bare, 'show', `refs/heads/${pr.head}:math.js`), 'exports.add = (a, b) => a + b;');
  const first = git(bare, 'rev-parse', `refs/heads/${pr.head}`);
  assert.equal(git(bare, 'rev-parse', `${first}^`), base);
  const reply = await endedReply(ISSUE, jobId);
  assert.match(reply.body, /\*\*completed\*\*/);
  assert.ok(reply.body.includes(`#${pr.number}`), reply.body);

  // A follow-up comment on the pull request: the issue's session goes on, on the same branch.
  const nextId = await comment('@codex-jobs also test negative numbers', pr.number);
  const next = await completed(nextId);
  assert.equal(next.session_id, job.session_id);
  assert.equal(next.result?.delivery?.state, 'updated', JSON.stringify(next.result?.delivery));
  assert.equal(next.result?.delivery?.pull_request?.number, pr.number);
  assert.equal(world.api.pulls.filter((p) => p.repo === REPO).length, 1, 'no second pull request');
  const second = git(bare, 'rev-parse', `refs/heads/${pr.head}`);
  assert.equal(git(bare, 'rev-parse', `${second}^`), first, 'one new commit on top of the first');
  assert.equal(git(bare, 'diff', '--name-only', first, second), 'negative.test.js');
  await endedReply(pr.number, nextId);

  // Merged, the pull request closes the issue.
  await world.api.merge(REPO, pr.number);
  assert.ok(world.api.closedIssues.has(`${REPO}#${ISSUE}`));
  assert.deepEqual(world.api.violations, []);
});
