// Isolation of a job from the function that runs it: the processor runs as its own process with
// secrets in its environment; the agent's commands must see none of them, its private directories
// are gone after the job, and the workspace-write sandbox keeps writes inside the workspace.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { JobDocument, JobEvent } from '../../../shared/jobs/job-document.js';
import { WORKSPACE_PREFIX } from '../../../shared/processor/job-workspace.js';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';
import { mkdtempOutsideTemp } from '../../support/outside-temp.js';
import { startSeparateProcessor, type SeparateProcessor } from '../../support/separate-processor.js';

const MODEL_KEY = 'sk-model-key-should-not-leak';
const SECRETS: Record<string, string> = {
  API_KEYS: 'a:super-secret-api-key',
  WEBHOOK_SECRET: 'whsec_' + Buffer.alloc(32, 7).toString('base64'),
  GOOGLE_APPLICATION_CREDENTIALS: '/secret/path.json',
  GOOGLE_SOMETHING: 'google-secret-value',
  OPENAI_API_KEY: MODEL_KEY,
  MY_SERVICE_TOKEN: 'tok-secret',
};
/** Values that must never show in anything the agent printed. */
const SECRET_VALUES = ['super-secret-api-key', SECRETS.WEBHOOK_SECRET!, SECRETS.WEBHOOK_SECRET!.slice('whsec_'.length), '/secret/path.json', 'google-secret-value', MODEL_KEY, 'tok-secret'];
/** Names that must not be in the agent's environment (config.toml may name them in its exclude list). */
const SECRET_NAMES = ['GOOGLE_', 'API_KEYS', 'WEBHOOK_SECRET', 'MY_SERVICE_TOKEN', 'OPENAI_API_KEY'];

const COMMANDS = {
  env: 'env',
  environ: "cat /proc/self/environ | tr '\\0' '\\n'",
  tmpdir: 'echo "agent-tmpdir=$TMPDIR agent-home=$HOME"',
  outside: '', // set in before(): a write to a directory outside the workspace that the user could write without the sandbox
  inside: 'echo inside > inside.txt && echo inside-ok',
  // Where else a key could be read from: the job's CODEX_HOME config next to the workspace, and every visible process's environment.
  snoop: 'cat ../codex-home/config.toml; for f in /proc/[0-9]*/environ; do tr "\\0" "\\n" < "$f"; done 2>/dev/null; echo snoop-end',
};

let h: ProcessorHarness;
let processor: SeparateProcessor;
let processorTmp: string;
let outsideDir: string;
let job: JobDocument;
let done: JobDocument;
let status: number;
let commands: JobEvent[];

/** The output of one of COMMANDS, from its command event (events come in the order the commands ran). */
const outputOf = (name: keyof typeof COMMANDS) => {
  const ev = commands[Object.keys(COMMANDS).indexOf(name)];
  assert.ok(ev, `a command event for ${name}`);
  return String(ev.data.output);
};

before(async () => {
  h = await processorHarness();
  processorTmp = await mkdtemp(path.join(os.tmpdir(), 'isolation-processor-tmp-'));
  // Outside the temp area: under it, the job's private view would not show the folder at all.
  outsideDir = mkdtempOutsideTemp('isolation-outside-');
  COMMANDS.outside = `echo escaped > '${outsideDir}/probe.txt' || echo write-blocked`;
  processor = await startSeparateProcessor({ ...process.env, ...h.env.env, ...SECRETS, TMPDIR: processorTmp, LOG_LEVEL: 'INFO' }, h.env.project);
  const prompt = `isolation-marker ${Object.values(COMMANDS)
    .map((c) => `[[cmd:${c}]]`)
    .join(' ')} [[final:isolated]]`;
  const submitted = await h.submit({ prompt });
  job = submitted.job;
  status = await processor.push(submitted.message);
  done = (await h.deps.store.get(job.job_id))!;
  commands = (await h.deps.store.listEvents(job.job_id, -1, 1000)).filter((e) => e.type === 'command');
});

after(async () => {
  await processor?.stop();
  await h?.close();
  await rm(processorTmp, { recursive: true, force: true });
  await rm(outsideDir, { recursive: true, force: true });
});

test('the job runs to completion in a separate processor process', () => {
  assert.equal(status, 204);
  assert.equal(done.status, 'completed', JSON.stringify(done.error));
  assert.equal(commands.length, Object.keys(COMMANDS).length, 'every command ran and became an event');
});

test('env and /proc/self/environ of the agent hold no secret of the function and no GOOGLE_* variable', () => {
  for (const cmd of ['env', 'environ'] as const) {
    const out = outputOf(cmd);
    assert.match(out, /^PATH=/m, `${cmd} printed the environment`);
    for (const secret of [...SECRET_VALUES, ...SECRET_NAMES]) assert.ok(!out.includes(secret), `${cmd} output contains ${secret}`);
  }
});

test('the model key reached the model through the provider config', () => {
  const requests = h.modelRequestsFor('isolation-marker');
  assert.equal(requests.length, Object.keys(COMMANDS).length + 1);
  for (const r of requests) assert.equal(r.authorization, `Bearer ${MODEL_KEY}`);
});

test('the agent cannot read any secret anywhere: result.stdout, every command output (CODEX_HOME config and /proc/*/environ included)', () => {
  assert.match(done.result!.stdout, /snoop-end/, 'the snooping command ran');
  for (const secret of SECRET_VALUES) {
    assert.ok(!done.result!.stdout.includes(secret), `result.stdout contains ${secret}`);
    for (const ev of commands) assert.ok(!String(ev.data.output).includes(secret), `the output of ${String(ev.data.command)} contains ${secret}`);
  }
});

test('the processor logs no secret', () => {
  const logs = processor.proc.output();
  assert.match(logs, /"severity":"INFO"/, 'the processor logged at INFO');
  for (const secret of SECRET_VALUES) assert.ok(!logs.includes(secret), `the processor logged ${secret}`);
});

test('the job TMPDIR and HOME are private dirs under the processor temp dir, and every codex-job-* dir is removed after the job', async () => {
  const m = /agent-tmpdir=(\S+) agent-home=(\S+)/.exec(outputOf('tmpdir'));
  assert.ok(m, 'the agent printed its TMPDIR and HOME');
  for (const dir of [m[1]!, m[2]!]) {
    assert.ok(dir.startsWith(path.join(processorTmp, WORKSPACE_PREFIX)), `${dir} is a per-job dir under the processor's TMPDIR`);
    assert.equal(existsSync(dir), false, `${dir} was removed`);
  }
  const left = (await readdir(processorTmp)).filter((name) => name.startsWith(WORKSPACE_PREFIX));
  assert.deepEqual(left, [], 'no workspace, CODEX_HOME or TMPDIR of the job is left');
});

test('workspace-write: a write outside the workspace fails, a write inside it works', () => {
  const out = outputOf('outside');
  assert.match(out, /Read-only file system/);
  assert.match(out, /write-blocked/);
  assert.equal(existsSync(path.join(outsideDir, 'probe.txt')), false, 'nothing was written outside the workspace');
  assert.match(outputOf('inside'), /inside-ok/);
  assert.deepEqual(done.result!.output_files, ['inside.txt']);
});
