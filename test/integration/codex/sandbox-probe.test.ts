// The start-up probe says clearly whether CODEX_SANDBOX can work on this host, using the real codex
// binary (this host supports bubblewrap) and stand-ins for hosts where it cannot.
import assert from 'node:assert/strict';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { probeSandbox } from '../../../shared/codex/sandbox-probe.js';
import { defaultCodexBin } from '../../../shared/config.js';
import { mkdtempOutsideTemp } from '../../support/outside-temp.js';

// Outside the temp area: the probe runs the binary in a job's private view of it.
const dir = mkdtempOutsideTemp('probe-test-');
after(() => rmSync(dir, { recursive: true, force: true }));

function fakeCodex(name: string, script: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
  return file;
}

test('workspace-write works with the real codex sandbox on this host', async () => {
  const probe = await probeSandbox(defaultCodexBin(), 'workspace-write');
  assert.equal(probe.ok, true, probe.message);
  assert.match(probe.message, /workspace writable/);
});

test('a host where the sandbox cannot start is reported naming CODEX_SANDBOX and what to do', async () => {
  const bin = fakeCodex('no-userns', "echo 'bwrap: No permissions to create new namespace' >&2; exit 1");
  const probe = await probeSandbox(bin, 'workspace-write');
  assert.equal(probe.ok, false);
  assert.match(probe.message, /CODEX_SANDBOX=workspace-write cannot work on this host/);
  assert.match(probe.message, /No permissions to create new namespace/);
  assert.match(probe.message, /lacks unprivileged user namespaces/, 'it says what the host lacks');
  assert.doesNotMatch(probe.message, /danger-full-access/, 'the unconfined mode is never offered as the way out');
});

test('a "sandbox" that lets commands write outside the workspace is reported as not confining', async () => {
  // Runs the command unconfined: `codex sandbox ... -- sh -c SCRIPT` → the script is the last argument.
  const bin = fakeCodex('no-confinement', 'for last; do :; done; sh -c "$last"');
  const probe = await probeSandbox(bin, 'workspace-write');
  assert.equal(probe.ok, false);
  assert.match(probe.message, /does not confine commands/);
});

test('a missing codex binary is named; danger-full-access needs no probe', async () => {
  const missing = await probeSandbox(path.join(dir, 'nope'), 'workspace-write');
  assert.equal(missing.ok, false);
  assert.match(missing.message, /cannot run the codex binary .*nope.*ENOENT/);
  assert.equal((await probeSandbox(path.join(dir, 'nope'), 'danger-full-access')).ok, true);
});
