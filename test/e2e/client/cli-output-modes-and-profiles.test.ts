// -o json prints one JSON document and nothing else on stdout; -o jsonl one JSON value per line;
// human progress goes to stderr. Config precedence: --url/--key > CODEX_JOBS_* > the profile
// (--profile > CODEX_JOBS_PROFILE > default) of $HOME/.config/codex-jobs/config.json or $XDG_CONFIG_HOME.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Stack } from '../../../dev/stack.js';
import { cliStackPerFile, runCli, type CliHome } from './client-stack.js';

let stack: Stack;
let home: CliHome;
const authed = () => ['--url', stack.apiUrl, '--key', stack.devApiKey];

cliStackPerFile((s, h) => ([stack, home] = [s, h]));

test('-o json: submit --follow prints only the finished job as JSON on stdout; progress on stderr', async () => {
  const r = await runCli([...authed(), '-o', 'json', 'submit', '--follow', '--metadata', 'ticket=T-1', 'json please [[cmd:echo one]] [[final:Done in JSON.]]'], { home: home.home });
  assert.equal(r.code, 0, r.stderr);
  const job = JSON.parse(r.stdout) as { status: string; metadata: Record<string, string>; result: { final_message: string } };
  assert.equal(job.status, 'completed');
  assert.equal(job.metadata.ticket, 'T-1');
  assert.equal(job.result.final_message, 'Done in JSON.');
  assert.match(r.stderr, /queued job/);
});

test('-o jsonl: --follow prints each event then the job, one JSON value per line, seqs in order', async () => {
  const r = await runCli([...authed(), '-o', 'jsonl', 'submit', '--follow', 'lines [[cmd:echo a]] [[cmd:echo b]] [[final:ok]]'], { home: home.home });
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const events = lines.slice(0, -1) as { seq: number; type: string }[];
  const last = lines.at(-1) as { status: string; job_id: string };
  assert.equal(last.status, 'completed');
  assert.ok(events.length >= 3);
  assert.deepEqual(events.map((e) => e.seq), [...events.map((e) => e.seq)].sort((a, b) => a - b));
  assert.equal(new Set(events.map((e) => e.seq)).size, events.length, 'no event twice');
  assert.equal(events.filter((e) => e.type === 'command').length, 2);

  const listed = await runCli([...authed(), '-o', 'jsonl', 'list', '--limit', '2'], { home: home.home });
  const jobs = listed.stdout.trim().split('\n').map((l) => JSON.parse(l) as { job_id: string });
  assert.equal(jobs.length, 2);
  assert.equal(jobs[0]!.job_id, last.job_id, 'newest first');
  const asJson = await runCli([...authed(), '-o', 'json', 'list', '--all'], { home: home.home });
  assert.ok((JSON.parse(asJson.stdout) as unknown[]).length >= 2);
  const stats = JSON.parse((await runCli([...authed(), '-o', 'json', 'stats'], { home: home.home })).stdout) as { by_status: { completed: number } };
  assert.ok(stats.by_status.completed >= 2);
  const health = JSON.parse((await runCli(['--url', stack.apiUrl, '-o', 'json', 'health'], { home: home.home })).stdout) as { status: string };
  assert.equal(health.status, 'healthy');
});

test('-o json: an error is a JSON envelope on stdout and one line on stderr', async () => {
  const r = await runCli([...authed(), '-o', 'json', 'get', 'no-such-job'], { home: home.home });
  assert.equal(r.code, 1);
  const body = JSON.parse(r.stdout) as { error: { code: string; status: number } };
  assert.equal(body.error.code, 'not_found');
  assert.equal(body.error.status, 404);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

test('config precedence: --url/--key over env over profile; --profile over CODEX_JOBS_PROFILE over default', async () => {
  const good = { url: stack.apiUrl, api_key: stack.devApiKey };
  const badKey = { url: stack.apiUrl, api_key: 'not-a-key' };
  home.writeConfig({ default: good, broken: badKey, other: good });
  const list = (args: string[], env: Record<string, string> = {}) => runCli([...args, 'list', '--limit', '1'], { home: home.home, env });

  assert.equal((await list([])).code, 0, 'the default profile');
  assert.equal((await list(['--profile', 'broken'])).code, 4, '--profile picks the profile');
  assert.equal((await list([], { CODEX_JOBS_PROFILE: 'broken' })).code, 4, 'CODEX_JOBS_PROFILE picks it');
  assert.equal((await list(['--profile', 'other'], { CODEX_JOBS_PROFILE: 'broken' })).code, 0, '--profile beats CODEX_JOBS_PROFILE');
  assert.equal((await list(['--profile', 'broken'], { CODEX_JOBS_API_KEY: stack.devApiKey })).code, 0, 'env key beats the profile');
  assert.equal((await list(['--key', 'wrong'], { CODEX_JOBS_API_KEY: stack.devApiKey })).code, 4, '--key beats env');
  assert.equal((await list(['--key', stack.devApiKey], { CODEX_JOBS_API_KEY: 'wrong' })).code, 0, '--key beats env (the other way)');
  assert.equal((await list([], { CODEX_JOBS_URL: 'http://127.0.0.1:1', CODEX_JOBS_MAX_RETRIES: '0' })).code, 5, 'env URL beats the profile');
  assert.equal((await list(['--url', stack.apiUrl], { CODEX_JOBS_URL: 'http://127.0.0.1:1' })).code, 0, '--url beats env');

  // XDG_CONFIG_HOME, when set, is where the file is.
  const xdg = path.join(home.home, 'xdg');
  mkdirSync(path.join(xdg, 'codex-jobs'), { recursive: true });
  writeFileSync(path.join(xdg, 'codex-jobs', 'config.json'), JSON.stringify({ profiles: { default: badKey } }));
  assert.equal((await list([], { XDG_CONFIG_HOME: xdg })).code, 4);

  writeFileSync(path.join(xdg, 'codex-jobs', 'config.json'), '{ not json');
  const broken = await list([], { XDG_CONFIG_HOME: xdg });
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /config\.json is not valid JSON/);
});

test('doctor: one line per check; a bad key is named, with exit 4', async () => {
  const ok = await runCli([...authed(), 'doctor'], { home: home.home });
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  for (const name of ['config', 'url', 'server', 'clock', 'versions', 'key']) assert.match(ok.stdout, new RegExp(`^✓ ${name}\\b`, 'm'));
  const bad = await runCli(['--url', stack.apiUrl, '--key', 'wrong', 'doctor'], { home: home.home });
  assert.equal(bad.code, 4);
  assert.match(bad.stdout, /^✗ key .*not accepted/m);
});
