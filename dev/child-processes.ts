// Child processes of the local stack and of tests: each in its own process group, so stopping one
// stops everything it started (a JVM behind a shell script, say). Every start is tracked so an
// exiting parent can end them all: no orphans, no port left bound.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  /** Everything it printed (stdout and stderr), bounded. */
  output(): string;
  stop(): Promise<void>;
}

const running = new Set<ManagedProcess>();

export interface StartOptions extends SpawnOptions {
  /** Resolves start once a line of output matches. */
  readyPattern?: RegExp;
  readyTimeoutMs?: number;
  /** Echo output lines with a name prefix. */
  echo?: boolean;
}

export async function startProcess(name: string, command: string, args: string[], options: StartOptions = {}): Promise<ManagedProcess> {
  // The ready timeout is a last-resort guard: a loaded machine can take minutes to start a JVM or a function.
  const { readyPattern, readyTimeoutMs = 300_000, echo, ...spawnOptions } = options;
  const child = spawn(command, args, { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let text = '';
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  child.once('error', () => undefined);
  const proc: ManagedProcess = {
    name,
    child,
    output: () => text,
    stop: async () => {
      running.delete(proc);
      if (exited || !child.pid) return;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // gone
        }
      }, 3000);
      await exitPromise;
      clearTimeout(timer);
      try {
        process.kill(-child.pid, 'SIGKILL'); // the group's stragglers
      } catch {
        // none left
      }
    },
  };
  running.add(proc);
  const onData = (chunk: Buffer) => {
    const s = chunk.toString('utf8');
    text = (text + s).slice(-256 * 1024);
    if (echo) for (const line of s.split('\n')) if (line.trim()) process.stdout.write(`[${name}] ${line}\n`);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  if (!readyPattern) return proc;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${name} did not become ready in ${readyTimeoutMs} ms. Output:\n${text.slice(-2000)}`));
    }, readyTimeoutMs);
    const check = () => {
      if (readyPattern.test(text)) {
        cleanup();
        resolve();
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`${name} exited (code ${code}) before it was ready. Output:\n${text.slice(-2000)}`));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(new Error(`${name} could not start: ${err.message}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('exit', onExit);
    child.once('error', onError);
    check();
  }).catch(async (err) => {
    await proc.stop();
    throw err;
  });
  return proc;
}

/** Stops every process started here, newest first. */
export async function stopAll(): Promise<void> {
  const all = [...running].reverse();
  await Promise.all(all.map((p) => p.stop()));
}

/** Synchronous last resort on process exit: SIGKILL every group still running. */
export function killAllSync(): void {
  for (const p of running) {
    if (p.child.pid) {
      try {
        process.kill(-p.child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
}
