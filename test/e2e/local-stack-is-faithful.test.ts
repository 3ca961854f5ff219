// The local stack models production: the user's variables win over its defaults, each function
// process that dies is started again (and the output says so), PROCESSOR_CONCURRENCY reaches the
// processors, and the sweeper's topic gets a message every SWEEP_INTERVAL_MS.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import { startStack, type Stack } from '../../dev/stack.js';
import { collectTopic, requireEmulators } from '../support/test-env.js';
import { waitForJob } from '../support/wait-for-job.js';

const TEAM_KEY = `team-key-${randomUUID()}`;
const PROJECT = `team-proj-${randomUUID().slice(0, 8)}`;
// What a user would have exported before `npm start`.
const USER_ENV = {
  API_KEYS: `team:${TEAM_KEY}`,
  GOOGLE_CLOUD_PROJECT: PROJECT,
  WEBHOOK_SECRET: 'whsec_' + Buffer.from('the-teams-own-webhook-secret-0123').toString('base64'),
  JOBS_TOPIC: 'team-jobs',
  OUTPUTS_BUCKET: `${PROJECT}-team-outputs`,
  CALLBACK_ALLOWLIST: 'hooks.team.example',
  PROCESSOR_CONCURRENCY: '3',
  SWEEP_INTERVAL_MS: '300',
  LOG_LEVEL: 'WARNING',
};

// A last-resort guard so a regression fails instead of hanging the run; nothing here is timed.
const GUARD = { timeout: 600_000 };
let stack: Stack;
let firestore: Firestore;
let pubsub: PubSub;
const output: string[] = [];
let onOutput: () => void = () => undefined;

before(async () => {
  const hosts = requireEmulators();
  stack = await startStack({ ports: 'free', userEnv: USER_ENV, emulators: hosts, schedules: false, log: (line) => (output.push(line), onOutput()) });
  firestore = new Firestore({ projectId: PROJECT });
  pubsub = new PubSub({ projectId: PROJECT });
});

after(async () => {
  await stack?.stop();
  await firestore?.terminate();
  await pubsub?.close();
});

const submit = (key: string, body: Record<string, unknown>) =>
  fetch(`${stack.apiUrl}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify(body) });

function outputLine(pattern: RegExp): Promise<string> {
  return new Promise((resolve) => {
    const check = () => {
      const line = output.find((l) => pattern.test(l));
      if (line) resolve(line);
      return line;
    };
    if (!check()) {
      const previous = onOutput;
      onOutput = () => (previous(), check());
    }
  });
}

test("the user's API_KEYS, project, topics, buckets, secret and allowlist win over the local defaults", GUARD, async () => {
  assert.deepEqual(stack.apiKeys, { source: 'user', names: ['team'], devKey: undefined });
  assert.equal(stack.devApiKey, '');
  assert.equal(stack.config.GOOGLE_CLOUD_PROJECT, PROJECT);
  assert.equal(stack.config.JOBS_TOPIC, 'team-jobs');
  assert.equal(stack.config.OUTPUTS_BUCKET, `${PROJECT}-team-outputs`);
  assert.deepEqual(stack.config.CALLBACK_ALLOWLIST, ['hooks.team.example']);
  assert.equal(stack.env.WEBHOOK_SECRET, USER_ENV.WEBHOOK_SECRET);
  for (const name of ['API_KEYS', 'GOOGLE_CLOUD_PROJECT', 'WEBHOOK_SECRET', 'CALLBACK_ALLOWLIST']) assert.ok(!stack.defaulted.includes(name), name);

  // The local dev key is not let in beside the user's.
  assert.equal((await submit('dev-key-codex-jobs-local', { prompt: 'x' })).status, 401);
  // A callback outside the user's allowlist is refused, as the user configured.
  assert.equal((await submit(TEAM_KEY, { prompt: 'x', callback_url: 'http://127.0.0.1:9/hook' })).status, 400);

  const res = await submit(TEAM_KEY, { prompt: 'team job [[cmd:printf team > team.txt]] [[final:team done]]' });
  assert.equal(res.status, 202);
  const { job_id } = (await res.json()) as { job_id: string };
  const done = await waitForJob(firestore, job_id, undefined, GUARD.timeout);
  assert.equal(done.status, 'completed', JSON.stringify(done.error));
  assert.equal(done.owner, 'team');
  assert.equal(done.result?.final_message, 'team done');
  assert.match(done.result!.created_files[0]!.storage_path, new RegExp(`^gs://${PROJECT}-team-outputs/jobs/${job_id}/`));
});

test('PROCESSOR_CONCURRENCY and the other variables reach every function process', () => {
  for (const name of ['processor', 'processor-priority', 'enqueue'] as const) {
    const pid = stack.functions[name]!.current().child.pid!;
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    assert.ok(environ.includes('PROCESSOR_CONCURRENCY=3'), name);
    assert.ok(environ.includes(`GOOGLE_CLOUD_PROJECT=${PROJECT}`), name);
    assert.ok(environ.includes(`API_KEYS=team:${TEAM_KEY}`), name);
  }
});

test('a SIGKILLed function process is started again on its port, the output says so, and it serves', GUARD, async () => {
  const before = stack.functions.processor!.current().child.pid;
  const back = await stack.functions.processor!.kill();
  assert.notEqual(back.child.pid, before);
  assert.equal(stack.functions.processor!.restarts(), 1);
  assert.equal(stack.processes.find((p) => p.name === 'processor'), back, 'stack.processes holds the new process');
  await outputLine(new RegExp(`function processor \\(pid ${before}\\) died \\(SIGKILL\\); starting it again`));
  await outputLine(new RegExp(`function processor is back on port ${stack.functions.processor!.port} \\(pid ${back.child.pid}, restart 1\\)`));

  const res = await submit(TEAM_KEY, { prompt: 'after the restart [[final:still serving]]' });
  const { job_id } = (await res.json()) as { job_id: string };
  const done = await waitForJob(firestore, job_id, undefined, GUARD.timeout);
  assert.equal(done.status, 'completed', JSON.stringify(done.error));
  assert.match(String((await firestore.collection('jobs').doc(job_id).collection('events').where('type', '==', 'claimed').get()).docs[0]?.get('data').holder), /^processor@/);
});

test('the stack publishes to the sweeps topic every SWEEP_INTERVAL_MS, as Cloud Scheduler would', GUARD, async (t) => {
  assert.equal(stack.sweeps?.topic, 'codex-sweeps');
  assert.equal(stack.sweeps?.intervalMs, 300);
  const sweeps = await collectTopic(pubsub, 'codex-sweeps');
  t.after(() => sweeps.stop());
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (sweeps.messages.length < 2) return;
      clearInterval(timer);
      resolve();
    }, 50);
  });
  assert.equal((sweeps.messages[0]!.data as { source: string }).source, 'local-stack');
});
