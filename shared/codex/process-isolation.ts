// How a turn's processes are kept findable: `codex app-server` starts as the init (pid 1) of its own
// PID namespace (`unshare --pid --fork --kill-child`, util-linux). Every process it starts, sandboxed
// ones (codex-linux-sandbox, bwrap and their children) included, is a member of that namespace and
// cannot leave it, whatever sessions or groups it makes. When the namespace's init dies, the kernel
// kills every other member, and the init's exit is reported only after they are all gone. So "the
// wrapper exited" means "every process of the turn ended", with no walk of parent ids that races
// their start. Without unshare (not Linux, no permission for namespaces) the fallback is the old
// process group plus a /proc descendant walk, and start-up says so. (unshare ignores SIGTERM while
// its child runs: time-outs use SIGKILL, which --kill-child passes on to the namespace.)
// The same namespace is a mount namespace: a job's program is started through isolatedCommand, which
// gives it a private view of the temp area holding only its own folder (private-temp.ts).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appFolderUnderTemp, expectedTempListing, privateTempCommand, sharedTempParents } from './private-temp.js';

export type IsolationMode = 'pid-namespace' | 'process-group';

export interface ProcessIsolation {
  mode: IsolationMode;
  /** The command line prefix that starts a program inside its own namespace (empty for process-group). */
  prefix: string[];
  /** One line for the start-up log: which mechanism, and why when it is the fallback. */
  description: string;
  /**
   * Each job sees only its own folder under the shared temp parents (a tmpfs over each, its folder
   * bound back). False: jobs run side by side on this host could read each other's files.
   */
  privateTemp: boolean;
  /** The temp parents covered in each job's namespace (empty unless privateTemp). */
  tempParents: string[];
  /** Folders under those parents every job still sees, read-only: the app's own, when installed there. */
  visibleUnderTemp?: string[];
}

/**
 * The argv that runs `argv` as a process of the job whose private folder is `root`: in its own PID
 * and mount namespace, seeing under the temp parents only `root` (same path), when the host allows;
 * else `argv` as is (process-group fallback). Use it for every program a job runs (app-server, setup).
 */
export function isolatedCommand(isolation: ProcessIsolation, root: string, argv: string[]): string[] {
  if (isolation.mode !== 'pid-namespace') return argv;
  if (!isolation.privateTemp) return [...isolation.prefix, ...argv];
  return [...isolation.prefix, ...privateTempCommand(root, isolation.tempParents, argv, isolation.visibleUnderTemp ?? [])];
}

/**
 * `unshare` flags: as root a new PID namespace; otherwise inside a user namespace that maps us to root.
 * --mount-proc gives the namespace a /proc of its own: with the host's /proc, codex's bubblewrap
 * probe hangs about one run in two (seen here), and the agent could list the processor's processes.
 */
export function unshareArgs(euid: number): string[] {
  return ['unshare', ...(euid === 0 ? [] : ['--user', '--map-root-user']), '--mount-proc', '--pid', '--fork', '--kill-child', '--'];
}

function runCommand(argv: string[], cwd?: string): Promise<{ failure: string | null; stdout: string }> {
  return new Promise((resolve) => {
    execFile(argv[0]!, argv.slice(1), { cwd, timeout: 10_000, killSignal: 'SIGKILL' }, (err, stdout, stderr) =>
      resolve({ failure: err ? (String(stderr).trim() || err.message).split('\n').at(-1)! : null, stdout: String(stdout) }),
    );
  });
}

const SHARED_TEMP = 'jobs on this host share the temp area: run one job at a time';

/**
 * Checks the property relied on, not just that the commands exit 0: inside, the program is pid 1 of
 * a fresh namespace, each temp parent lists only the way to the job's own folder even after trying to
 * unmount it, and a file written there is the real folder's (seen from outside).
 */
async function probePrivateTemp(candidate: ProcessIsolation): Promise<string | null> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'codex-isolation-probe-'));
  try {
    // The unmounts must fail (the mounts are locked); the listings are taken after them.
    const script = 'test "$$" = 1 || { echo "not pid 1 of its namespace" >&2; exit 3; }; for p in "$@"; do umount -l "$p" 2>/dev/null || true; done; for p in "$@"; do ls -A "$p" | tr "\\n" "/"; echo; done; echo seen > probe-file';
    const { failure, stdout } = await runCommand(isolatedCommand(candidate, root, ['/bin/sh', '-c', script, 'probe', ...candidate.tempParents]), root);
    if (failure !== null) return failure;
    const seen = stdout.split('\n').slice(0, candidate.tempParents.length).map((l) => l.split('/').filter(Boolean).sort().join(' '));
    const expected = expectedTempListing(root, candidate.tempParents, candidate.visibleUnderTemp ?? []).map((e) => e.join(' '));
    const wrong = candidate.tempParents.findIndex((_, i) => seen[i] !== expected[i]);
    if (wrong >= 0) return `${candidate.tempParents[wrong]} showed [${seen[wrong]}], not only [${expected[wrong]}]`;
    const written = readFileSync(path.join(root, 'probe-file'), 'utf8');
    return written === 'seen\n' ? null : 'a file written in the job folder did not reach it';
  } catch (err) {
    return (err as Error).message;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

export async function detectIsolation(): Promise<ProcessIsolation> {
  if (process.platform !== 'linux') {
    return { mode: 'process-group', prefix: [], privateTemp: false, tempParents: [], description: `process-group (fallback: PID namespaces need Linux, this is ${process.platform}; ${SHARED_TEMP}); sandboxed commands that leave the group are found by a /proc walk` };
  }
  const prefix = unshareArgs(process.geteuid?.() ?? 0);
  const { failure } = await runCommand([...prefix, 'sh', '-c', 'test "$$" = 1']);
  if (failure !== null) {
    return { mode: 'process-group', prefix: [], privateTemp: false, tempParents: [], description: `process-group (fallback: ${prefix.join(' ')} does not work here: ${failure}; ${SHARED_TEMP}); sandboxed commands that leave the group are found by a /proc walk` };
  }
  let tempParents: string[];
  let visibleUnderTemp: string[] = [];
  let why: string | null;
  try {
    tempParents = sharedTempParents();
    visibleUnderTemp = appFolderUnderTemp(tempParents);
    why = await probePrivateTemp({ mode: 'pid-namespace', prefix, privateTemp: true, tempParents, visibleUnderTemp, description: '' });
  } catch (err) {
    tempParents = [];
    why = (err as Error).message;
  }
  if (why === null) {
    const app = visibleUnderTemp.length ? ` (and the app's own folder ${visibleUnderTemp.join(', ')}, read-only: it is installed there)` : '';
    return { mode: 'pid-namespace', prefix, privateTemp: true, tempParents, visibleUnderTemp, description: `pid-namespace (${prefix.join(' ')} codex app-server): every process of a turn ends with its namespace; private temp area: a tmpfs over ${tempParents.join(', ')} with only the job's own folder bound back${app}, so a job sees no other job's files` };
  }
  return { mode: 'pid-namespace', prefix, privateTemp: false, tempParents: [], description: `pid-namespace (${prefix.join(' ')} codex app-server): every process of a turn ends with its namespace; no private temp area (${why}; ${SHARED_TEMP})` };
}

let cached: Promise<ProcessIsolation> | undefined;
/** The host's mechanism, probed once per process. */
export function processIsolation(): Promise<ProcessIsolation> {
  cached ??= detectIsolation();
  return cached;
}

/** The pid of the namespace's init: the one child unshare forks. Undefined until it has forked. */
export function namespaceInit(unsharePid: number): number | undefined {
  try {
    const first = readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, 'utf8').trim().split(/\s+/)[0];
    return first ? Number(first) : undefined;
  } catch {
    return undefined;
  }
}

/** The identity of a process's PID namespace (`pid:[inode]`), or undefined when it is gone. */
export function pidNamespaceOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return undefined;
  }
}
