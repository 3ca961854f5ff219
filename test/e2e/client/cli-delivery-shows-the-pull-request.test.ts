// The CLI and delivery, through the local stack with the real codex (scripted model), git
// http-backend and the GitHub API stand-in: `submit --git URL#REF --branch --pr … --wait` sends the
// `delivery` the job keeps and ends printing the pull request's link; `get` and `watch` of a delivered
// job print its state, branch, commit and link (and a failed delivery's error); -o json carries
// result.delivery. The jobs with made-up hosts' answers are written to Firestore as a processor
// records them; the API and the CLI read them as they read any job.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Firestore } from '@google-cloud/firestore';
import type { Stack } from '../../../dev/stack.js';
import type { DeliveryResult } from '../../../shared/delivery/delivery-schemas.js';
import { newJobDocument, specFromRequest, type JobDocument } from '../../../shared/jobs/job-document.js';
import { JobRequestSchema } from '../../../shared/jobs/job-request.js';
import { FirestoreJobStore } from '../../../shared/store/firestore-job-store.js';
import { startGitHubWorld, type GitHubWorld } from '../../support/github-standin/github-world.js';
import { cliHome, runCli, startClientStack, type CliHome } from './client-stack.js';

let stack: Stack;
let home: CliHome;
let firestore: Firestore;
let world: GitHubWorld;
let standinRepo: string;
const TOKEN = `ghp_${randomUUID().replace(/-/g, '')}`;
const repo = 'https://github.com/acme/widgets.git';
const cli = (args: string[]) => runCli(['--url', stack.apiUrl, '--key', stack.devApiKey, ...args], { home: home.home });

before(async () => {
  home = cliHome();
  world = await startGitHubWorld({ token: TOKEN });
  standinRepo = (await world.repository('acme', 'widgets')).url;
  stack = await startClientStack({
    ALLOW_INSECURE_GIT: '1',
    GIT_ALLOWLIST: '127.0.0.1',
    GIT_CREDENTIALS: `${world.gitHost}=${TOKEN}`,
    FORGE_HOSTS: `${world.gitHost}=github@${world.api.url}`,
  });
  firestore = new Firestore({ projectId: stack.config.GOOGLE_CLOUD_PROJECT });
});

after(async () => {
  await stack?.stop();
  await firestore?.terminate();
  await world?.close();
  home?.remove();
});

/** A completed job of the dev key on `repo` whose changes were delivered as `delivery` says. */
async function deliveredJob(delivery: DeliveryResult): Promise<string> {
  const jobId = randomUUID();
  const request = JobRequestSchema.parse({ prompt: 'Fix the README', workspace: { git: { url: repo, ref: 'main' } }, delivery: { branch: delivery.branch, pull_request: true } });
  const queued = newJobDocument(specFromRequest(request, { job_id: jobId, owner: 'dev', source: 'http', source_ref: null, lane: 'normal' }), 1);
  const at = new Date().toISOString();
  const done: JobDocument = {
    ...queued,
    status: 'completed',
    started_at: at,
    completed_at: at,
    updated_at: at,
    attempts: 1,
    progress: { stage: 'done', message: 'completed', updated_at: at },
    result: {
      exit_code: 0,
      final_message: 'The README names the right script now.',
      stdout: '',
      stderr: '',
      execution_time_ms: 4200,
      output_files: ['README.md'],
      created_files: [],
      usage: { input_tokens: 10, cached_input_tokens: 0, output_tokens: 5, reasoning_output_tokens: 0, total_tokens: 15 },
      thread_id: 'thread-1',
      delivery,
    },
  };
  await new FirestoreJobStore(firestore, 1).create(done);
  return jobId;
}

test('submit --git URL#REF --branch --pr with its details sends the delivery the job keeps; no changes: skipped', async () => {
  const r = await cli([
    '-o', 'json', 'submit', '--wait', '--git', `${standinRepo}#main`, '--branch', 'codex/nothing', '--pr', '--pr-title', 'Fix the README', '--no-draft', '--pr-base', 'main',
    '--commit-message', 'README: the right script', 'Nothing to change here. [[final:Nothing to do.]]',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const job = JSON.parse(r.stdout) as { status: string; delivery: unknown; workspace: unknown; result: { delivery: DeliveryResult } };
  assert.equal(job.status, 'completed');
  assert.deepEqual(job.delivery, { branch: 'codex/nothing', pull_request: { title: 'Fix the README', draft: false, base: 'main' }, commit_message: 'README: the right script' });
  assert.deepEqual(job.workspace, { git: { url: standinRepo, ref: 'main' } });
  assert.deepEqual(job.result.delivery, { state: 'skipped', branch: 'codex/nothing' });

  const noGit = await cli(['submit', '--pr', 'Fix the README']);
  assert.equal(noGit.code, 2);
  assert.match(noGit.stderr, /add --git URL/);
});

test('submit --pr --wait ends with the pull request it opened; get shows the same', async () => {
  const r = await cli(['submit', '--wait', '--git', standinRepo, '--branch', 'codex/cli-notes', '--pr', '--pr-title', 'Notes from the CLI', 'Add notes [[cmd:printf "notes\\n" > notes.md]] [[final:Added notes.md]]']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(world.api.pulls.length, 1);
  const pr = world.api.pulls[0]!;
  assert.deepEqual({ head: pr.head, title: pr.title, draft: pr.draft }, { head: 'codex/cli-notes', title: 'Notes from the CLI', draft: true });
  const url = `${world.api.url}/acme/widgets/pull/${pr.number}`;
  assert.match(r.stdout, /^delivery opened a pull request · branch codex\/cli-notes · commit [0-9a-f]{12}$/m);
  assert.ok(r.stdout.split('\n').includes(`pull request #${pr.number} ${url}`), r.stdout);
  const jobId = /^job ([0-9a-f-]{36}) completed/m.exec(r.stdout)![1]!;
  const got = await cli(['get', jobId]);
  assert.ok(got.stdout.split('\n').some((l) => /^pull request +#\d+ /.test(l) && l.endsWith(` ${url}`)), got.stdout);
});

test('get and watch of a job that opened a pull request print its state, branch, commit and link; -o json has result.delivery', async () => {
  const delivery: DeliveryResult = { state: 'opened', branch: 'codex/fix-readme', commit: '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432', pull_request: { url: 'https://github.com/acme/widgets/pull/42', number: 42 } };
  const jobId = await deliveredJob(delivery);

  const got = await cli(['get', jobId]);
  assert.equal(got.code, 0, got.stderr);
  assert.match(got.stdout, /^delivery +opened a pull request · branch codex\/fix-readme · commit 9f8e7d6c5b4a$/m);
  assert.match(got.stdout, /^pull request +#42 https:\/\/github\.com\/acme\/widgets\/pull\/42$/m);

  const watched = await cli(['watch', jobId]);
  assert.equal(watched.code, 0, watched.stderr);
  assert.match(watched.stdout, /^delivery opened a pull request · branch codex\/fix-readme · commit 9f8e7d6c5b4a$/m);
  assert.match(watched.stdout, /^pull request #42 https:\/\/github\.com\/acme\/widgets\/pull\/42$/m);

  const json = JSON.parse((await cli(['-o', 'json', 'get', jobId])).stdout) as { result: { delivery: DeliveryResult } };
  assert.deepEqual(json.result.delivery, delivery);
});

test('a failed delivery shows the host’s answer; the job still exits 0 (completed)', async () => {
  const jobId = await deliveredJob({ state: 'failed', branch: 'codex/fix-readme', error: 'push rejected: codex/fix-readme moved on the host since the job started' });
  const got = await cli(['get', jobId]);
  assert.match(got.stdout, /^delivery +failed · branch codex\/fix-readme$/m);
  assert.match(got.stdout, /^delivery error +push rejected: codex\/fix-readme moved on the host since the job started$/m);
  assert.doesNotMatch(got.stdout, /pull request/);
  const watched = await cli(['watch', jobId]);
  assert.equal(watched.code, 0);
  assert.match(watched.stdout, /^delivery failed · branch codex\/fix-readme: push rejected/m);
});
