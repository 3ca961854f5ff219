// Every verb takes the global flags (--url, --key, --profile, -o) before or after it, as kubectl and
// temporal do: `codex-jobs get ID -o json` is `codex-jobs -o json get ID`. The default profile points
// at a dead URL with a wrong key, so a flag the CLI did not take shows as a failed call, not a pass.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Stack } from '../../../dev/stack.js';
import { cliStackPerFile, runCli, type CliHome, type CliResult } from './client-stack.js';

let stack: Stack;
let home: CliHome;
let repo: string;
const FAST_FAIL = { CODEX_JOBS_MAX_RETRIES: '0' };

cliStackPerFile((s, h) => {
  [stack, home] = [s, h];
  home.writeConfig({ default: { url: 'http://127.0.0.1:1', api_key: 'not-a-key' }, good: { url: stack.apiUrl, api_key: stack.devApiKey } });
});
before(() => {
  repo = mkdtempSync(path.join(os.tmpdir(), 'global-flags-repo-'));
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: repo });
});
after(() => rmSync(repo, { recursive: true, force: true }));

const cli = (args: string[], cwd?: string): Promise<CliResult> => runCli(args, { home: home.home, env: FAST_FAIL, cwd });
const globals = () => ['--url', stack.apiUrl, '--key', stack.devApiKey, '-o', 'json'];

/** The verb run with the global flags before it, then after it; both must succeed with JSON on stdout. */
async function bothWays(verb: string[], cwd?: string): Promise<[unknown, unknown]> {
  const results: unknown[] = [];
  for (const [how, args] of [['before', [...globals(), ...verb]], ['after', [...verb, ...globals()]]] as [string, string[]][]) {
    const r = await cli(args, cwd);
    assert.equal(r.code, 0, `codex-jobs ${args.join(' ')} (flags ${how} the verb): ${r.stderr}`);
    results.push(JSON.parse(r.stdout));
  }
  return results as [unknown, unknown];
}

type Job = { job_id: string; status: string };

test('every verb takes --url, --key and -o before or after it, with the same answer', async () => {
  // The verbs are read from the CLI's own help, so a new verb is covered here or this test fails.
  const help = await cli(['--help']);
  const verbs = [...help.stdout.split('\nCommands:\n')[1]!.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]!).filter((v) => v !== 'help');
  const covered = new Set<string>();
  const check = async (verb: string[], compare: (a: unknown, b: unknown) => void = (a, b) => assert.deepEqual(a, b), cwd?: string) => {
    covered.add(verb[0]!);
    const [a, b] = await bothWays(verb, cwd);
    compare(a, b);
  };
  const queued = (a: unknown, b: unknown) => {
    for (const j of [a, b] as Job[]) assert.equal(j.status, 'queued');
    assert.notEqual((a as Job).job_id, (b as Job).job_id, 'two submissions, two jobs');
  };

  let job: Job | undefined;
  await check(['submit', '--wait', 'make a file [[cmd:printf hi > hi.txt]] [[final:made it]]'], (a, b) => {
    for (const j of [a, b] as Job[]) assert.equal(j.status, 'completed');
    job = a as Job;
  });
  const id = job!.job_id;
  await check(['get', id]);
  await check(['watch', id]);
  await check(['outputs', id], (a, b) => {
    assert.deepEqual(a, b);
    assert.ok((a as { filename: string }[]).some((f) => f.filename === 'hi.txt'));
  });
  await check(['diff', id]);
  await check(['apply', '--check', id], (a, b) => {
    assert.deepEqual(a, b);
    assert.equal((a as { checked: boolean }).checked, true);
  }, repo);
  await check(['rerun', id], queued);
  await check(['list', '--limit', '2'], (a, b) => assert.deepEqual((a as Job[]).length, (b as Job[]).length));
  await check(['stats'], (a, b) => assert.deepEqual(Object.keys(a as object), Object.keys(b as object)));
  await check(['env', 'list']); // a verb under a verb takes them too
  await check(['usage'], (a, b) => assert.deepEqual((a as { owner: string }).owner, (b as { owner: string }).owner));
  await check(['health'], (a, b) => assert.equal((a as { status: string }).status, (b as { status: string }).status));
  await check(['doctor'], (a, b) => {
    assert.equal((a as { ok: boolean }).ok, true);
    assert.equal((b as { ok: boolean }).ok, true);
  });
  // Two long jobs to cancel, one each way.
  const long = ['submit', '--timeout-ms', '120000', 'long [[cmd:sleep 45]]'];
  const [one, two] = (await bothWays(long)) as [Job, Job];
  covered.add('submit');
  const cancel = async (jobId: string, args: string[]) => {
    covered.add('cancel');
    const r = await cli(args);
    assert.equal(r.code, 0, `codex-jobs ${args.join(' ')}: ${r.stderr}`);
    assert.equal((JSON.parse(r.stdout) as Job).job_id, jobId);
  };
  await cancel(one.job_id, [...globals(), 'cancel', one.job_id]);
  await cancel(two.job_id, ['cancel', two.job_id, ...globals()]);

  assert.deepEqual([...covered].sort(), [...verbs].sort(), 'every verb of --help is run both ways');
});

test('--profile after the verb picks the profile; a flag given before and after takes the later one', async () => {
  const before = await cli(['--profile', 'good', '-o', 'json', 'list', '--limit', '1']);
  const afterVerb = await cli(['list', '--limit', '1', '--profile', 'good', '-o', 'json']);
  assert.equal(before.code, 0, before.stderr);
  assert.equal(afterVerb.code, 0, afterVerb.stderr);
  // The same job listed (its fields may move on between the two calls: a job of an earlier test ending).
  const ids = (stdout: string) => (JSON.parse(stdout) as Job[]).map((j) => j.job_id);
  assert.deepEqual(ids(afterVerb.stdout), ids(before.stdout));
  // Without it, the default profile (a dead URL) is the one used.
  assert.equal((await cli(['list', '--limit', '1', '-o', 'json'])).code, 5);

  const twice = await cli(['-o', 'jsonl', 'list', '--limit', '2', '--profile', 'good', '-o', 'json']);
  assert.equal(twice.code, 0, twice.stderr);
  assert.ok(Array.isArray(JSON.parse(twice.stdout)), '-o json (after the verb) wins over -o jsonl (before it)');
  const keys = await cli(['--url', stack.apiUrl, '--key', 'wrong', 'stats', '--key', stack.devApiKey]);
  assert.equal(keys.code, 0, keys.stderr);
});

test('-- still ends the options: what follows is the prompt, even when it looks like a flag', async () => {
  const r = await cli(['submit', '--wait', '-o', 'json', '--profile', 'good', '--', '-o', 'yaml [[final:literal]]']);
  assert.equal(r.code, 0, r.stderr);
  const job = JSON.parse(r.stdout) as Job & { prompt: string };
  assert.equal(job.prompt, '-o yaml [[final:literal]]');
  assert.equal(job.status, 'completed');
});
