// Keeps one function of the local stack running, as Cloud Run keeps a service: its URL is a front
// (function-front.ts) before the instance serving now; when the instance's process dies (a crash,
// an OOM, a SIGKILL), everything it started dies with it, as with a container, and a new process
// takes over behind the same URL. Each death and each return is said in the stack's output.
import { EventEmitter } from 'node:events';
import type { ManagedProcess } from './child-processes.js';
import { startFunctionFront } from './function-front.js';
import { freePort } from './free-port.js';

export interface SupervisedFunction {
  name: string;
  port: number;
  /** The process serving now (a new one after every restart). */
  current(): ManagedProcess;
  restarts(): number;
  /** Resolves with the next process started after a death. */
  nextRestart(): Promise<ManagedProcess>;
  /** SIGKILLs the process and everything it started, as a dying container; resolves once it is back. */
  kill(): Promise<ManagedProcess>;
  stop(): Promise<void>;
}

export interface SuperviseOptions {
  name: string;
  /** The function's port (its front). */
  port: number;
  /** Starts an instance on `instancePort` and resolves once it serves there. */
  start(instancePort: number): Promise<ManagedProcess>;
  log(line: string): void;
  /** Called with the old and the new process after each restart. */
  onRestart?(previous: ManagedProcess, next: ManagedProcess): void;
}

const MAX_BACKOFF_MS = 30_000;

function killGroup(proc: ManagedProcess): void {
  if (!proc.child.pid) return;
  try {
    process.kill(-proc.child.pid, 'SIGKILL');
  } catch {
    // the group is gone already
  }
}

export async function superviseFunction(options: SuperviseOptions): Promise<SupervisedFunction> {
  const { name, port, log } = options;
  const events = new EventEmitter();
  const front = await startFunctionFront(port);
  const startInstance = async () => {
    const instancePort = await freePort();
    const started = await options.start(instancePort);
    return { started, instancePort };
  };
  let first: Awaited<ReturnType<typeof startInstance>>;
  try {
    first = await startInstance();
  } catch (err) {
    await front.close();
    throw err;
  }
  let proc = first.started;
  front.setInstance(first.instancePort);
  let stopping = false;
  let restarts = 0;

  const watch = (watched: ManagedProcess) => {
    watched.child.once('exit', (code, signal) => {
      if (stopping) return;
      front.setInstance(undefined); // requests wait for the next instance
      // What the process started goes with it, as everything in a container does.
      killGroup(watched);
      void watched.stop(); // forget it
      log(`function ${name} (pid ${watched.child.pid}) died (${signal ?? `exit code ${code}`}); starting it again on port ${port}, as Cloud Run starts a new instance`);
      void restart(watched);
    });
  };

  const restart = async (previous: ManagedProcess) => {
    for (let attempt = 0; !stopping; attempt++) {
      try {
        const { started: next, instancePort } = await startInstance();
        if (stopping) {
          await next.stop();
          return;
        }
        proc = next;
        front.setInstance(instancePort);
        restarts++;
        log(`function ${name} is back on port ${port} (pid ${next.child.pid}, restart ${restarts})`);
        options.onRestart?.(previous, next);
        watch(next);
        events.emit('restarted', next);
        return;
      } catch (err) {
        const waitMs = Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempt);
        log(`function ${name} could not start again (${(err as Error).message.split('\n')[0]}); next try in ${waitMs} ms`);
        await new Promise((r) => setTimeout(r, waitMs));
      }
    }
  };

  watch(proc);
  const nextRestart = () => new Promise<ManagedProcess>((resolve) => events.once('restarted', resolve));
  return {
    name,
    port,
    current: () => proc,
    restarts: () => restarts,
    nextRestart,
    kill: async () => {
      const back = nextRestart();
      killGroup(proc);
      return back;
    },
    stop: async () => {
      stopping = true;
      await proc.stop();
      await front.close();
    },
  };
}
