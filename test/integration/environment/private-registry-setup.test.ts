// A Node project whose tests need a package from a private registry (verdaccio on 127.0.0.1, token as
// the environment's secret): setup authenticates and `npm install`s it, the agent (network off) runs
// the project's tests offline, and the token is in none of events, logs, setup.log, result, outputs or
// patch, though the agent printed its environment, grepped its files and read what setup wrote. A
// second job of the owner restores the cache and skips setup; another owner never gets that cache.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { newUploadId } from '../../../shared/workspace/upload-records.js';
import { uploadObjectName } from '../../../shared/workspace/upload-object.js';
import { buildTarGz } from '../../support/archive-builder.js';
import { startVerdaccio, type Verdaccio } from '../../support/verdaccio.js';
import { commandEvents, envHarness, setupEvents, type EnvHarness } from './env-harness.js';

let env: EnvHarness;
let registry: Verdaccio;
const logs: string[] = [];
const realWrite = process.stdout.write.bind(process.stdout);

const PROJECT = {
  'package.json': JSON.stringify({ name: 'project', version: '1.0.0', private: true, scripts: { test: 'node test.js' }, dependencies: { '@acme/greet': '1.0.0' } }),
  'test.js': "const { greet } = require('@acme/greet');\nif (greet('jobs') !== 'hello jobs') { console.error('FAIL'); process.exit(1); }\nconsole.log('project tests passed');\n",
};

before(async () => {
  // Everything the processor logs in this process, to check the token is not in it.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    logs.push(String(chunk));
    return (realWrite as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  registry = await startVerdaccio();
  await registry.publish({
    'package.json': JSON.stringify({ name: '@acme/greet', version: '1.0.0', main: 'index.js' }),
    'index.js': "exports.greet = (who) => `hello ${who}`;\n",
  });
  env = await envHarness(['127.0.0.1']);
});
after(async () => {
  process.stdout.write = realWrite;
  await env.close();
  await registry.close();
});

async function upload(owner: string): Promise<string> {
  const id = newUploadId();
  const bytes = buildTarGz(Object.entries(PROJECT).map(([p, data]) => ({ path: p, data })));
  await env.h.env.storage.bucket(env.h.env.config.UPLOADS_BUCKET).file(uploadObjectName(owner, id)).save(bytes, { resumable: false });
  return id;
}

const spec = () => ({
  setup: 'printf "//127.0.0.1:%s/:_authToken=%s\\n" "$REGISTRY_PORT" "$REGISTRY_TOKEN" > "$HOME/.npmrc"\nnpm install --registry "http://127.0.0.1:$REGISTRY_PORT/" --no-audit --no-fund --fetch-retries=0',
  env: { REGISTRY_PORT: String(registry.port) },
  secrets: { REGISTRY_TOKEN: registry.token },
  cache: { paths: ['node_modules'], key_files: ['package.json'] },
});

const AGENT = ['npm test', 'env', 'grep -rn "_authToken" . "$HOME" 2>/dev/null | head -5; echo grep-done', 'cat "$HOME/.npmrc"; cp "$HOME/.npmrc" copied-npmrc.txt; echo copied'];

async function download(bucket: string, name: string): Promise<string> {
  const [bytes] = await env.h.env.storage.bucket(bucket).file(name).download();
  return bytes.toString('utf8');
}

test('setup installs from the private registry with the secret; the agent runs the tests offline; the token leaks nowhere; a second job hits the cache', async () => {
  const first = await env.run({ prompt: AGENT.map((c) => `[[cmd:${c}]]`).join(' '), timeout_ms: 180_000, workspace: { upload_id: await upload('alice') } }, spec());
  assert.equal(first.job.status, 'completed', JSON.stringify(first.job.error));
  const out = commandEvents(first.events).map((e) => String(e.data.output));
  assert.match(out[0]!, /project tests passed/);
  assert.ok(!/REGISTRY_TOKEN/.test(out[1]!), "the secret's name is not in the agent's environment");
  assert.match(out[1]!, /REGISTRY_PORT=/, "the environment's env is");
  assert.match(out[3]!, /_authToken=\*\*\*/, 'the agent read what setup wrote; the value shows as ***');

  const token = registry.token;
  const config = env.h.env.config;
  const setupLog = await download(config.OUTPUTS_BUCKET, `jobs/${first.job.job_id}/setup.log`);
  assert.match(setupLog, /added 1 package/);
  const resultJson = await download(config.RESULTS_BUCKET, `jobs/${first.job.job_id}/result.json`);
  assert.equal((JSON.parse(resultJson) as { result: { setup: { cache: string } } }).result.setup.cache, 'saved');
  assert.equal(first.job.result?.setup?.cache, 'saved', 'result.setup is kept on the job document too');
  assert.equal(first.job.result?.setup?.exit_code, 0);
  const copied = await download(config.OUTPUTS_BUCKET, `jobs/${first.job.job_id}/outputs/copied-npmrc.txt`);
  assert.match(copied, /_authToken=\*\*\*/);
  const patch = await download(config.OUTPUTS_BUCKET, `jobs/${first.job.job_id}/changes.patch`);
  assert.match(patch, /copied-npmrc\.txt/);
  assert.ok(!/^diff --git a\/node_modules\//m.test(patch), 'the cache paths are not the job\'s changes (the project has no .gitignore)');
  for (const [where, text] of Object.entries({ events: JSON.stringify(first.events), document: JSON.stringify(first.job), setupLog, resultJson, copied, patch, logs: logs.join('') })) {
    assert.ok(!text.includes(token), `the token is not in the ${where}`);
  }

  // Same owner, same lockfile: the cache is restored and setup does not run (it would need the registry).
  await registry.close();
  const second = await env.run({ prompt: '[[cmd:npm test]]', timeout_ms: 120_000, workspace: { upload_id: await upload('alice') } }, spec());
  assert.equal(second.job.status, 'completed', JSON.stringify(second.job.error));
  const setup2 = setupEvents(second.events);
  assert.equal(setup2[0]!.cache, 'hit');
  assert.deepEqual([second.job.result?.setup?.cache, second.job.result?.setup?.exit_code], ['hit', null], 'a hit without maintenance runs no script');
  assert.ok(!setup2.some((s) => s.stage === 'output'), 'setup did not run');
  assert.match(String(commandEvents(second.events)[0]!.data.output), /project tests passed/);

  // Another owner with the same environment and files does not get alice's cache: its setup runs (and fails, the registry is gone).
  const other = await env.run({ prompt: '[[cmd:npm test]]', timeout_ms: 120_000, workspace: { upload_id: await upload('bob') } }, spec(), { owner: 'bob' });
  assert.equal(setupEvents(other.events)[0]!.cache, 'miss');
  assert.equal(other.job.error?.code, 'setup_failed');
});
