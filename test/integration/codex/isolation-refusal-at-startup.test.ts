// Where a job cannot be given a private temp area (no namespaces, or no way to mount in them), jobs
// on one host could read each other's files: a processor or worker set to run more than one job at
// once refuses to start with an ERROR naming the setting and why; set to one, it starts and WARNs.
// Hosts without the mechanism are stand-ins on PATH: an `unshare` or a `mount` that always fails.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { mkdtempOutsideTemp } from '../../support/outside-temp.js';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dir = mkdtempOutsideTemp('isolation-refusal-');
after(() => rmSync(dir, { recursive: true, force: true }));

/** A PATH whose `name` always fails like a host that forbids it. */
function pathWithout(name: string, message: string): string {
  const bin = path.join(dir, `no-${name}`);
  mkdirSync(bin, { recursive: true });
  writeFileSync(path.join(bin, name), `#!/bin/sh\necho '${name}: ${message}' >&2\nexit 1\n`);
  chmodSync(path.join(bin, name), 0o755);
  return `${bin}:${process.env.PATH}`;
}

interface Run {
  code: number | null;
  stdout: string;
  ready: boolean;
}

/** Starts the processor function or the worker as deployed; stops it once it is ready (or when it exits by itself). */
function start(which: 'processor' | 'worker', env: Record<string, string>): Promise<Run> {
  const childEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, METADATA_SERVER_DETECTION: 'none', GOOGLE_CLOUD_PROJECT: 'isolation-refusal-test', LOG_LEVEL: 'INFO', ...env };
  for (const host of ['PUBSUB_EMULATOR_HOST', 'FIRESTORE_EMULATOR_HOST', 'STORAGE_EMULATOR_HOST']) if (process.env[host]) childEnv[host] = process.env[host];
  const args = which === 'processor' ? [path.join(dist, 'dev/serve-function.js'), 'processor', path.join(dist, 'functions/processor/index.js'), '0'] : [path.join(dist, 'functions/worker.js')];
  const readyLine = which === 'processor' ? /listening on/ : /"message":"worker pulling"/;
  const child = spawn(process.execPath, args, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const run: Run = { code: null, stdout: '', ready: false };
  child.stdout.on('data', (c: Buffer) => {
    run.stdout += c.toString();
    if (!run.ready && readyLine.test(run.stdout)) {
      run.ready = true;
      child.kill('SIGTERM');
    }
  });
  child.stderr.resume();
  // Last-resort guard only: either outcome is an event (exit, or the ready line).
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(guard);
      run.code = code;
      resolve(run);
    }),
  );
}

const lines = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { severity?: string; message?: string });
const isolationLine = (run: Run) => lines(run.stdout).find((l) => /^process isolation: /.test(l.message ?? ''));

test('no namespaces, PROCESSOR_CONCURRENCY=2: the processor refuses to start, naming the setting and why', async () => {
  const run = await start('processor', { PATH: pathWithout('unshare', 'unshare failed: Operation not permitted'), PROCESSOR_CONCURRENCY: '2' });
  assert.equal(run.ready, false, `it must not serve deliveries: ${run.stdout}`);
  assert.notEqual(run.code, 0);
  const refusal = lines(run.stdout).find((l) => l.severity === 'ERROR' && /refuses to start/.test(l.message ?? ''));
  assert.ok(refusal, `an ERROR line says it refuses to start: ${run.stdout}`);
  assert.match(refusal.message!, /PROCESSOR_CONCURRENCY=2/);
  assert.match(refusal.message!, /private temp area/);
  assert.match(refusal.message!, /Operation not permitted/, 'it says why the namespace could not be made');
});

test('no namespaces, PROCESSOR_CONCURRENCY=1: it starts, and WARNs that jobs share the temp area', async () => {
  const run = await start('processor', { PATH: pathWithout('unshare', 'unshare failed: Operation not permitted'), PROCESSOR_CONCURRENCY: '1' });
  assert.equal(run.ready, true, run.stdout);
  const line = isolationLine(run);
  assert.equal(line?.severity, 'WARNING', run.stdout);
  assert.match(line!.message!, /process-group \(fallback.*share the temp area/);
});

test('namespaces but no mounts in them, PROCESSOR_CONCURRENCY=2: it refuses to start', async () => {
  const run = await start('processor', { PATH: pathWithout('mount', 'permission denied'), PROCESSOR_CONCURRENCY: '2' });
  assert.equal(run.ready, false, run.stdout);
  assert.notEqual(run.code, 0);
  const refusal = lines(run.stdout).find((l) => l.severity === 'ERROR' && /refuses to start/.test(l.message ?? ''));
  assert.match(refusal?.message ?? '', /no private temp area \(mount: permission denied/, run.stdout);
});

test('no namespaces, the worker at its default WORKER_CONCURRENCY (2): it refuses to start before pulling', async () => {
  const run = await start('worker', { PATH: pathWithout('unshare', 'unshare failed: Operation not permitted') });
  assert.equal(run.ready, false, run.stdout);
  assert.notEqual(run.code, 0);
  const refusal = lines(run.stdout).find((l) => l.severity === 'ERROR' && /refuses to start/.test(l.message ?? ''));
  assert.match(refusal?.message ?? '', /^the worker refuses to start: WORKER_CONCURRENCY=2/, run.stdout);
});

test('this host: PROCESSOR_CONCURRENCY=2 starts, and the start-up line says the temp area is private', async () => {
  const run = await start('processor', { PROCESSOR_CONCURRENCY: '2' });
  assert.equal(run.ready, true, run.stdout);
  const line = isolationLine(run);
  assert.equal(line?.severity, 'INFO', run.stdout);
  assert.match(line!.message!, /private temp area/);
});
