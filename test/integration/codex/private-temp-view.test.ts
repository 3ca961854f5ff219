// The mount wrapper a job's programs start under (isolatedCommand): inside, each shared temp parent
// lists only the way to the job's own folder, a neighbour job's folder has no path, /var/tmp and
// /dev/shm are empty, a write in the job's folder lands in the real folder, and the view cannot be
// unmounted from inside. Checked as this host
// runs jobs and in the user-namespace form (`--user --map-root-user`, what a non-root host uses).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { isolatedCommand, processIsolation, unshareArgs, type ProcessIsolation } from '../../../shared/codex/process-isolation.js';
import { appFolderUnderTemp, sharedTempParents } from '../../../shared/codex/private-temp.js';

// Like a worker's own TMPDIR: a folder under /tmp holding two jobs' folders.
const parent = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'private-temp-view-')));
after(() => rmSync(parent, { recursive: true, force: true }));

function run(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(argv[0]!, argv.slice(1), { cwd, timeout: 20_000, killSignal: 'SIGKILL' }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

async function viewFrom(iso: ProcessIsolation, label: string) {
  const mine = path.join(parent, `codex-job-mine-${label}`);
  const other = path.join(parent, `codex-job-other-${label}`);
  for (const root of [mine, other]) mkdirSync(path.join(root, 'workspace'), { recursive: true });
  writeFileSync(path.join(other, 'workspace', 'secret.txt'), `other-secret-${label}\n`);
  const script = [
    'echo "pid=$$"',
    'for p in /tmp "$1" /var/tmp /dev/shm; do echo "ls $p: $(ls -A "$p" | tr "\\n" " ")"; done',
    'cat "$2/workspace/secret.txt" 2>&1 || true',
    'echo written > "$3/workspace/own.txt"',
    'echo "cwd=$(pwd)"',
    // With every capability the namespace gives, the tmpfs still cannot be taken away.
    'for p in /tmp "$1"; do umount -l "$p" 2>/dev/null || true; done',
    'echo "after umount: $(ls -A "$1" | tr "\\n" " ")"',
  ].join('\n');
  const result = await run(isolatedCommand(iso, mine, ['/bin/sh', '-c', script, 'view', parent, other, mine]), path.join(mine, 'workspace'));
  return { ...result, mine, other };
}

function assertPrivate(view: Awaited<ReturnType<typeof viewFrom>>, label: string): void {
  assert.equal(view.code, 0, view.stderr);
  const lines = view.stdout.split('\n');
  assert.ok(lines.includes('pid=1'), `the program is the init of its own PID namespace: ${view.stdout}`);
  // Only the way to the job's folder, and the app's own folder when it is installed under /tmp (a CI clone).
  const expected = new Set([path.relative('/tmp', parent).split(path.sep)[0], ...appFolderUnderTemp(['/tmp']).map((a) => path.relative('/tmp', a).split(path.sep)[0])]);
  const listed = lines.find((l) => l.startsWith('ls /tmp: '))?.slice('ls /tmp: '.length).trim().split(' ') ?? [];
  assert.deepEqual(new Set(listed), expected, `/tmp holds only the way to the job's folder: ${view.stdout}`);
  assert.ok(lines.includes(`ls ${parent}: codex-job-mine-${label} `), `the temp parent lists only the job's own folder: ${view.stdout}`);
  assert.ok(lines.includes('ls /var/tmp: '), `/var/tmp is empty: ${view.stdout}`);
  assert.ok(lines.includes('ls /dev/shm: '), `/dev/shm is empty: ${view.stdout}`);
  assert.doesNotMatch(view.stdout, /other-secret/, 'the other job’s file is not readable');
  assert.match(view.stdout, /No such file or directory/);
  assert.ok(lines.includes(`cwd=${path.join(view.mine, 'workspace')}`), `it starts in the same directory as asked: ${view.stdout}`);
  assert.equal(readFileSync(path.join(view.mine, 'workspace', 'own.txt'), 'utf8'), 'written\n', 'its write reached its real folder');
  assert.ok(lines.includes(`after umount: codex-job-mine-${label} `), `the view cannot be unmounted: ${view.stdout}`);
}

test('this host gives each job a private temp area', async () => {
  const iso = await processIsolation();
  assert.equal(iso.privateTemp, true, iso.description);
  assert.match(iso.description, /private temp area/);
  assertPrivate(await viewFrom(iso, 'host'), 'host');
});

test('in a user namespace (how a non-root host runs it) the view is the same', async () => {
  const iso = await processIsolation();
  const userns: ProcessIsolation = { ...iso, prefix: unshareArgs(1000) };
  assert.ok(userns.prefix.includes('--map-root-user'));
  assertPrivate(await viewFrom(userns, 'userns'), 'userns');
});

test('the covered temp parents: the outermost of TMPDIR, /tmp, /var/tmp, /dev/shm; never /', () => {
  assert.deepEqual(sharedTempParents(parent), sharedTempParents('/tmp'), 'a TMPDIR under /tmp is covered by /tmp');
  const elsewhere = realpathSync(mkdtempSync(path.join(os.homedir(), 'tmpdir-elsewhere-')));
  try {
    assert.ok(sharedTempParents(elsewhere).includes(elsewhere), 'a TMPDIR elsewhere is covered too');
  } finally {
    rmSync(elsewhere, { recursive: true, force: true });
  }
  assert.throws(() => sharedTempParents('/'), /would hide the whole host/);
});
