// The processor never falls back to running the agent unconfined: when the sandbox probe fails it
// refuses to start (exits non-zero, never listens) with a message saying what the host lacks; an
// explicit CODEX_SANDBOX=danger-full-access starts but logs an ERROR naming the risk.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { mkdtempOutsideTemp } from '../../support/outside-temp.js';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// Outside the temp area: the probe runs the binary in a job's private view of it.
const dir = mkdtempOutsideTemp('sandbox-refusal-');
after(() => rmSync(dir, { recursive: true, force: true }));

const noUserNamespaces = path.join(dir, 'codex-no-userns');
writeFileSync(noUserNamespaces, "#!/bin/sh\necho 'bwrap: No permissions to create new namespace, likely because the kernel does not allow non-privileged user namespaces' >&2\nexit 1\n");
chmodSync(noUserNamespaces, 0o755);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  listened: boolean;
}

/** Starts the processor function as deployed; stops it once it listens (or when it exits by itself). */
function startProcessor(env: Record<string, string>): Promise<Run> {
  const childEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, METADATA_SERVER_DETECTION: 'none', GOOGLE_CLOUD_PROJECT: 'sandbox-refusal-test', LOG_LEVEL: 'INFO', ...env };
  for (const host of ['PUBSUB_EMULATOR_HOST', 'FIRESTORE_EMULATOR_HOST', 'STORAGE_EMULATOR_HOST']) if (process.env[host]) childEnv[host] = process.env[host];
  const child = spawn(process.execPath, [path.join(dist, 'dev/serve-function.js'), 'processor', path.join(dist, 'functions/processor/index.js'), '0'], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const run: Run = { code: null, stdout: '', stderr: '', listened: false };
  child.stdout.on('data', (c: Buffer) => {
    run.stdout += c.toString();
    if (!run.listened && /listening on/.test(run.stdout)) {
      run.listened = true;
      child.kill('SIGTERM');
    }
  });
  child.stderr.on('data', (c: Buffer) => (run.stderr += c.toString()));
  // Last-resort guard only: either outcome is an event (exit, or the listening line).
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(guard);
      run.code = code;
      resolve(run);
    }),
  );
}

function logLines(stdout: string): Array<{ severity?: string; message?: string }> {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { severity?: string; message?: string });
}

test('a host without what the sandbox needs: the processor refuses to start and says what is missing', async () => {
  const run = await startProcessor({ CODEX_BIN: noUserNamespaces, CODEX_SANDBOX: 'workspace-write' });
  assert.equal(run.listened, false, `it must not serve deliveries: ${run.stdout}`);
  assert.notEqual(run.code, 0);
  const refusal = logLines(run.stdout).find((l) => l.severity === 'ERROR' && /refuses to start/.test(l.message ?? ''));
  assert.ok(refusal, `an ERROR line says it refuses to start: ${run.stdout}`);
  assert.match(refusal.message!, /lacks unprivileged user namespaces/);
  assert.doesNotMatch(refusal.message!, /danger-full-access/, 'no advice to run unconfined');
  assert.match(run.stderr + run.stdout, /SandboxUnavailableError|refuses to start/);
});

test('the real sandbox works here: the processor starts without an ERROR', async () => {
  const run = await startProcessor({ CODEX_SANDBOX: 'workspace-write' });
  assert.equal(run.listened, true, run.stdout + run.stderr);
  assert.deepEqual(logLines(run.stdout).filter((l) => l.severity === 'ERROR'), []);
});

test('explicit danger-full-access starts but logs an ERROR that names the risk', async () => {
  const run = await startProcessor({ CODEX_SANDBOX: 'danger-full-access' });
  assert.equal(run.listened, true, run.stdout + run.stderr);
  const warning = logLines(run.stdout).find((l) => l.severity === 'ERROR' && /danger-full-access/.test(l.message ?? ''));
  assert.ok(warning, `an ERROR names danger-full-access: ${run.stdout}`);
  assert.match(warning.message!, /unconfined/);
  assert.match(warning.message!, /metadata server/);
  assert.match(warning.message!, /service account/);
});
