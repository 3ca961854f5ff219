// Every exit code of the CLI, each from the real outcome through the local stack: 0 completed,
// 1 failed, 2 usage or config error, 3 cancelled, 4 unauthorized, 5 API unreachable, 124 job
// timeout, 130 interrupted (the job goes on, and the CLI says how to cancel it).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Stack } from '../../../dev/stack.js';
import { freePort } from '../../../dev/free-port.js';
import { cliStackPerFile, runCli, type CliHome } from './client-stack.js';

let stack: Stack;
let home: CliHome;
const cli = (args: string[], o: Parameters<typeof runCli>[1] extends infer T ? Partial<T> : never = {}) =>
  runCli(['--url', stack.apiUrl, '--key', stack.devApiKey, ...args], { home: home.home, ...o });

cliStackPerFile((s, h) => ([stack, home] = [s, h]));

test('exit 0: submit --wait of a job that completes prints its result', async () => {
  const r = await cli(['submit', '--wait', 'say hi [[cmd:echo hi]] [[final:All good.]]']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /completed/);
  assert.match(r.stdout, /All good\./);
});

test('exit 1: a job that fails (budget exceeded) — and its error on stdout', async () => {
  const r = await cli(['submit', '--wait', '--max-total-tokens', '150', 'spend [[tokens:100]] [[cmd:echo a]] [[cmd:echo b]] [[cmd:echo c]]']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /failed/);
  assert.match(r.stdout, /budget_exceeded/);
});

test('exit 2: usage errors (unknown flag, bad value, no prompt) and a request the API rejects', async () => {
  const unknown = await cli(['submit', '--no-such-flag', 'x']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^codex-jobs: unknown option '--no-such-flag'/m);
  const badValue = await cli(['submit', '--priority', 'urgent', 'x']);
  assert.equal(badValue.code, 2);
  assert.equal(badValue.stderr.trim().split('\n').length, 1, 'one line');
  assert.match(badValue.stderr, /--priority takes low, normal, high or critical/);
  const noPrompt = await cli(['submit'], { input: '' });
  assert.equal(noPrompt.code, 2);
  const rejected = await cli(['submit', '--timeout-ms', '10', 'too short']);
  assert.equal(rejected.code, 2);
  assert.match(rejected.stderr, /timeout_ms/);
  assert.doesNotMatch(rejected.stderr, /at .*\.js:\d+/, 'no stack trace');
  const noVerb = await cli([]);
  assert.equal(noVerb.code, 2);
  const badProfile = await runCli(['--profile', 'nope', 'list'], { home: home.home });
  assert.equal(badProfile.code, 2);
  assert.match(badProfile.stderr, /profile "nope"/);
});

test('exit 3: watch of a job that gets cancelled', async () => {
  const submitted = await cli(['submit', '--timeout-ms', '120000', 'long [[cmd:sleep 45]]']);
  assert.equal(submitted.code, 0, submitted.stderr);
  const id = submitted.stdout.trim();
  let cancelled: Promise<unknown> | undefined;
  const watched = await cli(['watch', id], {
    onStderr: (text) => {
      // Cancel once the watch is attached and the job runs its command.
      if (!cancelled && /\$ |stage codex_running/.test(text)) cancelled = cli(['cancel', id]);
    },
  });
  await cancelled;
  assert.equal(watched.code, 3, watched.stderr);
  assert.match(watched.stdout, /cancelled/);
});

test('exit 4: a key the API does not accept', async () => {
  const r = await runCli(['--url', stack.apiUrl, '--key', 'wrong-key', 'list'], { home: home.home });
  assert.equal(r.code, 4);
  assert.match(r.stderr, /^codex-jobs: .*(key|unauthorized)/im);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

test('exit 5: an API that cannot be reached', async () => {
  const port = await freePort();
  const r = await runCli(['--url', `http://127.0.0.1:${port}`, '--key', 'k', 'get', 'some-id'], { home: home.home, env: { CODEX_JOBS_MAX_RETRIES: '0' } });
  assert.equal(r.code, 5);
  assert.match(r.stderr, /cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

test('exit 124: a job that runs past its timeout_ms', async () => {
  const r = await cli(['submit', '--wait', '--timeout-ms', '2000', 'slow [[cmd:sleep 31.5]]']);
  assert.equal(r.code, 124, r.stdout + r.stderr);
  assert.match(r.stdout, /timeout/);
});

test('exit 130: Ctrl-C while watching leaves the job running and prints how to cancel it', async () => {
  const submitted = await cli(['submit', '--timeout-ms', '120000', 'keep going [[cmd:sleep 44]]']);
  const id = submitted.stdout.trim();
  let sent = false;
  const watched = await cli(['watch', id], {
    onStderr: (text, child) => {
      if (!sent && /\$ |stage codex_running/.test(text)) {
        sent = true;
        child.kill('SIGINT');
      }
    },
  });
  assert.equal(watched.code, 130, watched.stderr);
  assert.match(watched.stderr, new RegExp(`codex-jobs cancel ${id}`));
  const still = await cli(['-o', 'json', 'get', id]);
  const job = JSON.parse(still.stdout) as { status: string };
  assert.equal(job.status, 'processing', 'the job goes on after the watcher left');
  assert.equal((await cli(['cancel', id])).code, 0);
});
