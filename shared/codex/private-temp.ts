// A job's private view of the temp area, made inside the mount namespace its processes already get
// (process-isolation.ts). Every job folder sits under the same temp parent, as the same user, and the
// Codex sandbox leaves the host readable: without this, one job's agent could read another job's
// workspace, CODEX_HOME and input archive. So before the job's program starts, a fresh empty tmpfs
// covers each shared temp parent (os.tmpdir(), /tmp, /var/tmp, /dev/shm) and the job's own folder is
// bound back at its same path, so every path in its config stays valid. Another job's folder then has
// no path at all in this namespace (nor through /proc/<pid>/cwd or /root: the PID namespace shows only
// the job's own processes), and the mounts never reach the host (unshare makes propagation private).
import { existsSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The mounts, as a POSIX shell script (`sh -c SCRIPT NAME ROOT N PARENT… ARGV…`), then exec of ARGV.
 * The tmpfs hides the job's folder's path too, so the bind's source is a handle taken before: the
 * shell's cwd. `--no-canonicalize` lets the kernel resolve "." from that cwd; canonicalised by
 * mount(8) it would be the path again, which by then names the tmpfs's new empty folder.
 * The program then runs in a user namespace of its own (uid 0 still maps to the same user) with a
 * copy of these mounts: copied into a less privileged namespace, the kernel locks them, so not even
 * a process with every capability there (a setup script, an agent under danger-full-access) can
 * unmount the tmpfs to uncover the shared temp dir. Without it, `umount -l /tmp` would.
 */
const SCRIPT = [
  'set -e',
  'root=$1; m=$2; shift 2',
  // Read-only folders the job must still see under a temp parent (the app, when it is installed there):
  // a handle on each is taken now, before the tmpfs hides its path (fds 3..8).
  'fd=3',
  'while [ "$m" -gt 0 ]; do eval "exec $fd<\\"\\$1\\""; eval "v$fd=\\$1"; fd=$((fd + 1)); shift; m=$((m - 1)); done',
  'n=$1; shift',
  'start=$(pwd)',
  'cd "$root"',
  'while [ "$n" -gt 0 ]; do mount -t tmpfs -o mode=1777,nosuid,nodev codex-job-tmp "$1"; shift; n=$((n - 1)); done',
  'mkdir -p "$root"',
  'mount --no-canonicalize --bind . "$root"',
  'i=3',
  'while [ "$i" -lt "$fd" ]; do eval "p=\\$v$i"; mkdir -p "$p"; mount --no-canonicalize --bind "/proc/self/fd/$i" "$p"; mount -o remount,bind,ro "$p" 2>/dev/null || true; eval "exec $i<&-"; i=$((i + 1)); done',
  'cd "$start"',
  'exec unshare --user --map-root-user --mount -- "$@"',
].join('\n');

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

const within = (parent: string, p: string) => p === parent || p.startsWith(parent.endsWith('/') ? parent : parent + '/');

/**
 * The temp parents every job shares on this host, real paths, outermost only (a tmpfs over /tmp
 * already hides a TMPDIR under it). An os.tmpdir() of `/` is refused: covering it would hide the host.
 */
export function sharedTempParents(tmpdir = os.tmpdir()): string[] {
  const candidates = [tmpdir, '/tmp', '/var/tmp', '/dev/shm'].filter((p) => existsSync(p)).map(real);
  if (candidates.includes('/')) throw new Error('the OS temp dir is / (TMPDIR): a private view of it would hide the whole host');
  const unique = [...new Set(candidates)];
  return unique.filter((p) => !unique.some((q) => q !== p && within(q, p)));
}

/** The most folders kept visible (read-only) under the temp parents: the shell's fds 3..8. */
const MAX_VISIBLE = 6;

/**
 * The app's own folder (the one holding dist/ and node_modules/, so the codex binary too), when it is
 * installed under a temp parent — a checkout under /tmp, as CI clones are. The job must still run
 * codex, so it stays visible, read-only (as the rest of the host is). Never a folder that holds a
 * temp parent's jobs: one that contains the OS temp dir is not kept.
 */
export function appFolderUnderTemp(parents: string[], appRoot = fileURLToPath(new URL('../../../', import.meta.url)), tmpdir = os.tmpdir()): string[] {
  const app = real(appRoot).replace(/\/+$/, '') || '/';
  if (within(app, real(tmpdir))) return [];
  return parents.some((p) => within(p, app) && p !== app) ? [app] : [];
}

/** The argv that runs `argv` with only `root` (and `visible`, read-only) under the temp parents (inside a mount namespace). */
export function privateTempCommand(root: string, parents: string[], argv: string[], visible: string[] = []): string[] {
  if (visible.length > MAX_VISIBLE) throw new Error(`at most ${MAX_VISIBLE} folders can stay visible under the temp parents`);
  return ['/bin/sh', '-c', SCRIPT, 'codex-jobs-private-tmp', real(root), String(visible.length), ...visible.map(real), String(parents.length), ...parents, ...argv];
}

/** What `ls -A` of each temp parent must show inside the job's view: the first step towards its root (and each visible folder), or nothing. */
export function expectedTempListing(root: string, parents: string[], visible: string[] = []): string[][] {
  const shown = [root, ...visible].map(real);
  return parents.map((p) => [...new Set(shown.filter((r) => within(p, r) && p !== r).map((r) => path.relative(p, r).split(path.sep)[0]!))].sort());
}
