// Ending a process and all of its descendants. Sandboxed commands (bwrap) start their own sessions,
// so a process-group signal alone would leave them running: descendants are found through /proc.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** pid → parent pid of every process visible in /proc (empty where /proc does not exist). */
function parentMap(): Map<number, number> {
  const parents = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return parents;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may hold spaces and parens: fields start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
    } catch {
      // the process ended while we looked
    }
  }
  return parents;
}

export function descendants(pid: number): number[] {
  const parents = parentMap();
  const children = new Map<number, number[]>();
  for (const [child, parent] of parents) {
    const list = children.get(parent) ?? [];
    list.push(child);
    children.set(parent, list);
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const next = children.get(queue.shift()!) ?? [];
    out.push(...next);
    queue.push(...next);
  }
  return out;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** SIGKILL to each pid (a negative pid is a process group); the ones already gone are skipped. */
export function killPids(pids: number[]): void {
  for (const pid of pids) signal(pid, 'SIGKILL');
}

/** SIGKILL to the process group of pid, to pid, and to every descendant found. */
export function killProcessTree(pid: number): void {
  const tree = descendants(pid);
  signal(-pid, 'SIGKILL');
  signal(pid, 'SIGKILL');
  for (const child of tree) signal(child, 'SIGKILL');
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A pid that exists and is not a zombie (a zombie has already ended; only its parent's wait is missing). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return !existsSync('/proc') && isAlive(pid); // no stat file: gone on Linux; elsewhere ask the kernel
  }
}

/** Resolves once none of the pids runs any more (SIGKILL is delivered asynchronously), or after timeoutMs. */
export async function waitUntilGone(pids: number[], timeoutMs = 3000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let left = pids.filter((p) => p > 0 && isRunning(p));
  while (left.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    left = left.filter(isRunning);
  }
  return left;
}
