// JSON-RPC over stdio (JSONL) to `codex app-server`: requests with ids, notifications, and the
// server's own requests (approvals), which are declined since jobs run with approval "never".
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { EventEmitter } from 'node:events';
import readline from 'node:readline';
import { isolatedCommand, namespaceInit, type ProcessIsolation } from './process-isolation.js';
import { descendants, killPids, killProcessTree, waitUntilGone } from './process-tree.js';

export class AppServerError extends Error {
  override name = 'AppServerError';
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message);
  }
}

export interface Notification {
  method: string;
  params: Record<string, unknown>;
}

export interface AppServerOptions {
  bin: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Bytes of the server's stderr kept for the job's result. */
  stderrLimit?: number;
  /** How the server's processes are contained (see process-isolation.ts); default: process group only. */
  isolation?: ProcessIsolation;
  /** The job's private folder: the only one its processes see under the temp area (with isolation). */
  root: string;
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; method: string };

export class AppServerClient extends EventEmitter<{ notification: [Notification]; exit: [number | null, NodeJS.Signals | null] }> {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private stderrText = '';
  private exitError: Error | undefined;
  readonly exited: Promise<void>;
  /** In its own PID namespace: `exited` then means every process of the server has ended. */
  readonly namespaced: boolean;

  constructor(options: AppServerOptions) {
    super();
    this.namespaced = options.isolation?.mode === 'pid-namespace';
    const [command, ...args] = this.namespaced ? isolatedCommand(options.isolation!, options.root, [options.bin, 'app-server']) : [options.bin, 'app-server'];
    // detached: the server leads its own process group, so the whole tree can be signalled at once.
    this.child = spawn(command!, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const limit = options.stderrLimit ?? 64 * 1024;
    this.child.stderr.on('data', (chunk: Buffer) => {
      // eslint-disable-next-line no-control-regex -- strip terminal colour codes from Codex's log lines
      this.stderrText = (this.stderrText + chunk.toString('utf8').replace(/\x1b\[[0-9;]*m/g, '')).slice(-limit);
    });
    this.child.stdin.on('error', () => undefined); // EPIPE after the server died is reported via exit
    readline.createInterface({ input: this.child.stdout }).on('line', (line) => this.onLine(line));
    this.exited = new Promise((resolve) => {
      const finish = (err: Error) => {
        this.exitError ??= err;
        for (const p of this.pending.values()) p.reject(new AppServerError(`${p.method}: ${this.exitError.message}`));
        this.pending.clear();
        resolve();
      };
      this.child.once('error', (err) => finish(new AppServerError(`could not start codex app-server (${options.bin}): ${err.message}`)));
      this.child.once('exit', (code, signal) => {
        this.emit('exit', code, signal);
        finish(new AppServerError(`codex app-server exited (code ${code}, signal ${signal})`));
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get stderr(): string {
    return this.stderrText;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null && this.exitError === undefined;
  }

  private onLine(line: string): void {
    let msg: { id?: number | string; method?: string; params?: Record<string, unknown>; result?: unknown; error?: { code?: number; message?: string } };
    try {
      msg = JSON.parse(line);
    } catch {
      return; // not protocol output
    }
    if (msg.method && msg.id !== undefined) {
      // A server request (approval or input): jobs never approve anything interactively.
      this.write({ id: msg.id, result: { decision: 'decline' } });
      return;
    }
    if (msg.method) {
      this.emit('notification', { method: msg.method, params: msg.params ?? {} });
      return;
    }
    const pending = typeof msg.id === 'number' ? this.pending.get(msg.id) : undefined;
    if (!pending) return;
    this.pending.delete(msg.id as number);
    if (msg.error) pending.reject(new AppServerError(`${pending.method}: ${msg.error.message ?? 'error'}`, msg.error.code));
    else pending.resolve(msg.result);
  }

  private write(message: unknown): void {
    if (this.child.stdin.writable) this.child.stdin.write(JSON.stringify(message) + '\n');
  }

  request<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    if (this.exitError) return Promise.reject(new AppServerError(`${method}: ${this.exitError.message}`));
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, method });
      this.write({ method, id, params });
    });
  }

  notify(method: string, params?: Record<string, unknown>): void {
    this.write(params ? { method, params } : { method });
  }

  /** Closes stdin (the server exits 0), then kills whatever of its tree is left after graceMs. */
  async stop(graceMs = 1000): Promise<void> {
    if (this.namespaced) {
      if (this.running) {
        this.child.stdin.end();
        const timer = new Promise<'timeout'>((r) => setTimeout(r, graceMs, 'timeout').unref());
        if ((await Promise.race([this.exited.then(() => 'exited' as const), timer])) === 'timeout') this.kill();
      }
      // The namespace's init exits only after the kernel has ended every other member.
      await this.exited;
      return;
    }
    // Snapshot the tree first: once the server exits, its orphans are re-parented and out of sight.
    const tree = this.child.pid ? descendants(this.child.pid) : [];
    if (this.running) {
      this.child.stdin.end();
      const timer = new Promise<'timeout'>((r) => setTimeout(r, graceMs, 'timeout').unref());
      if ((await Promise.race([this.exited.then(() => 'exited' as const), timer])) === 'timeout') this.kill();
    }
    await this.exited;
    if (this.child.pid) {
      // Late descendants too (a command started just before the snapshot was reparented, not forgotten).
      killPids([-this.child.pid, ...tree]);
      await waitUntilGone(tree);
    }
  }

  /**
   * Namespaced: SIGKILL to the namespace's init, which takes every member with it (not to unshare
   * itself: it would exit before the members are gone). Otherwise SIGKILL to the server, its process
   * group and every descendant found (sandboxed commands may leave the group).
   */
  kill(): void {
    const pid = this.child.pid;
    if (!pid) return;
    if (!this.namespaced) return killProcessTree(pid);
    const init = namespaceInit(pid);
    // Before unshare has forked there is no init yet: --kill-child ends it with unshare.
    killPids([init ?? pid]);
  }
}
