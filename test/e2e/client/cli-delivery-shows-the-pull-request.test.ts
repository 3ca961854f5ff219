// The CLI and delivery, through the local stack: `submit --git URL#REF --branch --pr …` sends the
// `delivery` the job document keeps; `get` and `watch` of a delivered job print its state, branch,
// commit and the pull request's link (and a failed delivery's error); -o json carries result.delivery.
// The delivered jobs are written to Firestore as a processor records them (the pull request's host
// is not reachable here); the API and the CLI read them as they read any job.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Firestore } from '@google-cloud/firestore';
import type { Stack } from '../../../dev/stack.js';
import type { DeliveryResult } from '../../../shared/delivery/delivery-schemas.js';
import { newJobDocument, specFromRequest, type JobDocument } from '../../../shared/jobs/job-document.js';
import { JobRequestSchema } from '../../../shared/jobs/job-request.js';
import { FirestoreJobStore } from '../../../shared/store/firestore-job-store.js';
import { makeFixtureRepository, startGitHttpServer, type GitHttpServer } from '../../support/git-http-server.js';
import { cliHome, runCli, startClientStack, type CliHome } from './client-stack.js';

let stack: Stack;
let home: CliHome;
let firestore: Firestore;
let git: GitHttpServer;
const repo = 'https://github.com/acme/widgets.git';
const cli = (args: string[]) => runCli(['--url', stack.apiUrl, '--key', stack.devApiKey, ...args], { home: home.home });

before(async () => {
  home = cliHome();
  git = await startGitHttpServer();
  await makeFixtureRepository(git.root, 'widgets');
  stack = await startClientStack({ ALLOW_INSECURE_GIT: '1', GIT_ALLOWLIST: '127.0.0.1' });
  firestore = new Firestore({ projectId: stack.config.GOOGLE_CLOUD_PROJECT });
});

after(async () => {
  await stack?.stop();
  await firestore?.terminate();
  await git?.close();
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

test('submit --git URL#REF --branch --pr with its details sends the delivery the job keeps', async () => {
  const url = `${git.url}/widgets.git`;
  const r = await cli([
    '-o', 'json', 'submit', '--wait', '--git', `${url}#main`, '--branch', 'codex/fix-readme', '--pr', '--pr-title', 'Fix the README', '--no-draft', '--pr-base', 'main',
    '--commit-message', 'README: the right script', 'Nothing to change here. [[final:Nothing to do.]]',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const job = JSON.parse(r.stdout) as { status: string; delivery: unknown; workspace: unknown };
  assert.equal(job.status, 'completed');
  assert.deepEqual(job.delivery, { branch: 'codex/fix-readme', pull_request: { title: 'Fix the README', draft: false, base: 'main' }, commit_message: 'README: the right script' });
  assert.deepEqual(job.workspace, { git: { url, ref: 'main' } });

  const noGit = await cli(['submit', '--pr', 'Fix the README']);
  assert.equal(noGit.code, 2);
  assert.match(noGit.stderr, /add --git URL/);
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
