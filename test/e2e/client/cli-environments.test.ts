// The environments from the terminal and the SDK, against the local stack: `env put NAME -f env.yaml`
// (YAML or JSON; --secret from the shell), `env list`, `env get`, `env rm`, `submit --env NAME`; and
// client.environments.* with jobs.create({environment}); `watch` shows the setup phase (its output,
// then the turn). A secret's value is never printed.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { Stack } from '../../../dev/stack.js';
import { CodexJobs, CodexJobsError } from '../../../client/sdk/index.js';
import { cliStackPerFile, runCli, type CliHome } from './client-stack.js';

let stack: Stack;
let home: CliHome;
const authed = () => ['--url', stack.apiUrl, '--key', stack.devApiKey];
const SECRET = 'npm-token-value-5d1c';
cliStackPerFile((s, h) => ([stack, home] = [s, h]));

const dir = mkdtempSync(path.join(os.tmpdir(), 'cli-env-'));
const nodeYaml = path.join(dir, 'env.yaml');
writeFileSync(
  nodeYaml,
  ['# a Node repository', 'setup: |', '  echo "//registry.example/:_authToken=${NPM_TOKEN}" > ~/.npmrc', '  echo installed', 'cache:', '  paths: [node_modules]', '  key_files: [package-lock.json]', 'env:', '  NODE_ENV: test', 'network:', '  agent:', '    allow: ["@common-dependencies"]', '    methods: [GET, HEAD]', ''].join('\n'),
);

test('env put (YAML, --secret from the shell), list, get, submit --env, rm: the secret is never printed', async () => {
  const put = await runCli([...authed(), 'env', 'put', 'node-app', '-f', nodeYaml, '--secret', 'NPM_TOKEN'], { home: home.home, env: { NPM_TOKEN: SECRET } });
  assert.equal(put.code, 0, put.stderr);
  assert.match(put.stderr, /created environment node-app/);
  assert.match(put.stdout, /secrets\s+NPM_TOKEN/);
  const again = await runCli([...authed(), 'env', 'put', 'node-app', '-f', nodeYaml, '--secret', `NPM_TOKEN=${SECRET}`], { home: home.home });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /replaced environment node-app/);

  const list = await runCli([...authed(), '-o', 'json', 'env', 'list'], { home: home.home });
  assert.equal(list.code, 0, list.stderr);
  const envs = (JSON.parse(list.stdout) as { environments: { name: string; secrets: string[]; cache: { paths: string[] } }[] }).environments;
  const mine = envs.find((e) => e.name === 'node-app');
  assert.deepEqual(mine?.secrets, ['NPM_TOKEN']);
  assert.deepEqual(mine?.cache.paths, ['node_modules']);
  const human = await runCli([...authed(), 'env', 'list'], { home: home.home });
  assert.match(human.stdout, /node-app\s+echo "\/\/registry\.example.*NPM_TOKEN\s+setup on · agent allow @common-dependencies \[GET,HEAD\]/);
  const got = await runCli([...authed(), 'env', 'get', 'node-app'], { home: home.home });
  assert.equal(got.code, 0, got.stderr);
  assert.match(got.stdout, /cache\s+node_modules \(key: package-lock\.json\)/);

  const submitted = await runCli([...authed(), '-o', 'json', 'submit', '--env', 'node-app', '[[final:ok]]'], { home: home.home });
  assert.equal(submitted.code, 0, submitted.stderr);
  const jobId = (JSON.parse(submitted.stdout) as { job_id: string }).job_id;
  const job = await runCli([...authed(), '-o', 'json', 'get', jobId], { home: home.home });
  const doc = JSON.parse(job.stdout) as { environment: { name: string; secrets: string[]; setup: string } } & Record<string, unknown>;
  assert.equal(doc.environment.name, 'node-app');
  assert.deepEqual(doc.environment.secrets, ['NPM_TOKEN']);
  assert.ok(!('environment_secrets' in doc));

  const unknown = await runCli([...authed(), 'submit', '--env', 'no-such-env', 'x'], { home: home.home });
  assert.equal(unknown.code, 2, 'a 400 is a usage error');
  assert.match(unknown.stderr, /environment/);

  const rm = await runCli([...authed(), 'env', 'rm', 'node-app'], { home: home.home });
  assert.equal(rm.code, 0, rm.stderr);
  const gone = await runCli([...authed(), 'env', 'get', 'node-app'], { home: home.home });
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /not found/);

  for (const r of [put, again, list, human, got, submitted, job, unknown, rm, gone]) assert.ok(!(r.stdout + r.stderr).includes(SECRET), 'the secret was printed');
});

test('env put takes JSON too; a file that is not a mapping, or a --secret with no value, is a usage error (exit 2)', async () => {
  const json = path.join(dir, 'env.json');
  writeFileSync(json, JSON.stringify({ setup: 'python -m venv .venv && .venv/bin/pip install -r requirements.txt', cache: { paths: ['.venv'], key_files: ['requirements.txt'] } }));
  const ok = await runCli([...authed(), '-o', 'json', 'env', 'put', 'py-app', '-f', json], { home: home.home });
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal((JSON.parse(ok.stdout) as { name: string }).name, 'py-app');
  const list = path.join(dir, 'list.yaml');
  writeFileSync(list, '- a\n- b\n');
  assert.equal((await runCli([...authed(), 'env', 'put', 'x', '-f', list], { home: home.home })).code, 2);
  const unset = await runCli([...authed(), 'env', 'put', 'x', '-f', json, '--secret', 'NOT_SET_ANYWHERE'], { home: home.home });
  assert.equal(unset.code, 2);
  assert.match(unset.stderr, /NOT_SET_ANYWHERE is not set/);
  const badName = await runCli([...authed(), 'env', 'put', 'Bad_Name', '-f', json], { home: home.home });
  assert.equal(badName.code, 2);
  assert.match(badName.stderr, /name/);
});

test('SDK: environments.put/get/list/delete and jobs.create({environment}) by name and inline', async () => {
  const sdk = new CodexJobs({ url: stack.apiUrl, apiKey: stack.devApiKey });
  const created = await sdk.environments.put('sdk-env', { setup: 'echo hi', secrets: { TOKEN: SECRET } });
  assert.equal(created.created, true);
  assert.deepEqual(created.secrets, ['TOKEN']);
  assert.equal((await sdk.environments.put('sdk-env', { setup: 'echo again' })).created, false);
  assert.equal((await sdk.environments.get('sdk-env')).setup, 'echo again');
  assert.ok((await sdk.environments.list()).some((e) => e.name === 'sdk-env'));

  const byName = await sdk.jobs.create({ prompt: '[[final:ok]]', environment: 'sdk-env' });
  assert.equal((await sdk.jobs.get(byName.job_id)).environment?.name, 'sdk-env');
  const inline = await sdk.jobs.create({ prompt: '[[final:ok]]', environment: { setup: 'echo inline', secrets: { TOKEN: SECRET } } });
  const inlineJob = await sdk.jobs.get(inline.job_id);
  assert.equal(inlineJob.environment?.name, null);
  assert.deepEqual(inlineJob.environment?.secrets, ['TOKEN']);
  assert.ok(!JSON.stringify(inlineJob).includes(SECRET));

  await sdk.environments.delete('sdk-env');
  await assert.rejects(sdk.environments.get('sdk-env'), (err: unknown) => err instanceof CodexJobsError && err.code === 'not_found' && err.status === 404);
  await assert.rejects(sdk.jobs.create({ prompt: 'x', environment: 'sdk-env' }), (err: unknown) => err instanceof CodexJobsError && err.details?.[0]?.field === 'environment');
});

test('watch shows the setup phase: its output lines as they come, how it ended, then the turn', async () => {
  const yaml = path.join(dir, 'watch.yaml');
  writeFileSync(yaml, ['setup: |', '  echo preparing-deps', '  echo deps-ready', 'network:', '  setup: "off"', ''].join('\n'));
  assert.equal((await runCli([...authed(), 'env', 'put', 'watch-env', '-f', yaml], { home: home.home })).code, 0);
  const submitted = await runCli([...authed(), 'submit', '--env', 'watch-env', '--timeout-ms', '120000', 'go [[cmd:echo the-turn]] [[final:done]]'], { home: home.home });
  assert.equal(submitted.code, 0, submitted.stderr);
  const watched = await runCli([...authed(), 'watch', submitted.stdout.trim()], { home: home.home });
  assert.equal(watched.code, 0, watched.stdout + watched.stderr);
  const out = watched.stderr;
  const at = (re: RegExp) => {
    const i = out.search(re);
    assert.ok(i >= 0, `${re} not in:\n${out}`);
    return i;
  };
  const started = at(/setup started \(cache none\)/);
  const first = at(/setup │ preparing-deps/);
  const second = at(/setup │ deps-ready/);
  const finished = at(/setup finished: exit 0 · cache none/);
  const turn = at(/\$ .*echo the-turn.*exit 0/);
  assert.ok(started < first && first < second && second < finished && finished < turn, out);
});
