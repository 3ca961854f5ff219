// How a turn's processes are kept findable: `codex app-server` starts as the init (pid 1) of its own
// PID namespace (`unshare --pid --fork --kill-child`, util-linux). Every process it starts, sandboxed
// ones (codex-linux-sandbox, bwrap and their children) included, is a member of that namespace and
// cannot leave it, whatever sessions or groups it makes. When the namespace's init dies, the kernel
// kills every other member, and the init's exit is reported only after they are all gone. So "the
// wrapper exited" means "every process of the turn ended", with no walk of parent ids that races
// their start. Without unshare (not Linux, no permission for namespaces) the fallback is the old
// process group plus a /proc descendant walk, and start-up says so. (unshare ignores SIGTERM while
// its child runs: time-outs use SIGKILL, which --kill-child passes on to the namespace.)
import { execFile } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';

export type IsolationMode = 'pid-namespace' | 'process-group';

export interface ProcessIsolation {
  mode: IsolationMode;
  /** The command line prefix that starts a program inside its own namespace (empty for process-group). */
  prefix: string[];
  /** One line for the start-up log: which mechanism, and why when it is the fallback. */
  description: string;
}

/**
 * `unshare` flags: as root a new PID namespace; otherwise inside a user namespace that maps us to root.
 * --mount-proc gives the namespace a /proc of its own: with the host's /proc, codex's bubblewrap
 * probe hangs about one run in two (seen here), and the agent could list the processor's processes.
 */
export function unshareArgs(euid: number): string[] {
  return ['unshare', ...(euid === 0 ? [] : ['--user', '--map-root-user']), '--mount-proc', '--pid', '--fork', '--kill-child', '--'];
}

function tryCommand(command: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 10_000, killSignal: 'SIGKILL' }, (err, _stdout, stderr) => resolve(err ? (String(stderr).trim() || err.message) : null));
  });
}

export async function detectIsolation(): Promise<ProcessIsolation> {
  if (process.platform !== 'linux') {
    return { mode: 'process-group', prefix: [], description: `process-group (fallback: PID namespaces need Linux, this is ${process.platform}); sandboxed commands that leave the group are found by a /proc walk` };
  }
  const prefix = unshareArgs(process.geteuid?.() ?? 0);
  // The probe checks the property relied on: inside, the program is pid 1 of a fresh namespace.
  const failure = await tryCommand(prefix[0]!, [...prefix.slice(1), 'sh', '-c', 'test "$$" = 1']);
  if (failure === null) return { mode: 'pid-namespace', prefix, description: `pid-namespace (${prefix.join(' ')} codex app-server): every process of a turn ends with its namespace` };
  return { mode: 'process-group', prefix: [], description: `process-group (fallback: ${prefix.join(' ')} does not work here: ${failure.split('\n').at(-1)}); sandboxed commands that leave the group are found by a /proc walk` };
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
