// The processor function as its own OS process (dev/serve-function.js), with an environment the test
// chooses, fed with Pub/Sub push bodies as the push subscription would send them.
import path from 'node:path';
import { startProcess, type ManagedProcess } from '../../dev/child-processes.js';
import { freePort } from '../../dev/free-port.js';
import { DIST_ROOT } from '../../dev/stack.js';
import type { PubSubMessage } from '../../shared/pubsub/pubsub-message.js';
import { namespaceInit, processIsolation } from '../../shared/codex/process-isolation.js';
import { killLikeACrash } from './kill-like-a-crash.js';

export interface SeparateProcessor {
  proc: ManagedProcess;
  url: string;
  /** POSTs one push delivery; resolves with the HTTP status once the processor answers (after the job). */
  push(message: PubSubMessage, topic?: string): Promise<number>;
  stop(): Promise<void>;
  /**
   * Dies as a container does, with everything in it: the processor runs as the init of its own PID
   * namespace (where the host has them), so SIGKILL to that init ends every process it started,
   * nested namespaces included, with nothing to find by a walk. Resolves once they are all gone.
   */
  crash(): Promise<void>;
  /** SIGSTOP: the processor stops where it is (a frozen VM, a long GC pause), holding what it held. */
  freeze(): void;
  /** SIGCONT: it goes on from there, unaware of the time that passed. */
  thaw(): void;
}

export function pushBody(message: PubSubMessage, subscription = 'projects/test/subscriptions/codex-jobs-processor'): Record<string, unknown> {
  return { message: { data: message.data.toString('base64'), attributes: message.attributes, messageId: message.messageId }, subscription };
}

export async function startSeparateProcessor(env: NodeJS.ProcessEnv, project: string): Promise<SeparateProcessor> {
  const port = await freePort();
  const isolation = await processIsolation();
  const command = [...isolation.prefix, process.execPath, path.join(DIST_ROOT, 'dev/serve-function.js'), 'processor', path.join(DIST_ROOT, 'functions/processor/index.js'), String(port)];
  const proc = await startProcess('processor-under-test', command[0]!, command.slice(1), {
    env,
    readyPattern: /listening/,
  });
  const exited = new Promise<void>((resolve) => (proc.child.exitCode !== null || proc.child.signalCode !== null ? resolve() : proc.child.once('exit', () => resolve())));
  const url = `http://127.0.0.1:${port}`;
  // Under a PID namespace the processor is its init; else the leader of its own process group.
  const processorPid = () => (isolation.mode === 'pid-namespace' ? (namespaceInit(proc.child.pid!) ?? proc.child.pid!) : -proc.child.pid!);
  return {
    proc,
    url,
    async push(message, topic = 'codex-jobs') {
      const res = await fetch(`${url}/projects/${project}/topics/${topic}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(pushBody(message)) });
      await res.arrayBuffer();
      return res.status;
    },
    stop: () => proc.stop(),
    freeze: () => process.kill(processorPid(), 'SIGSTOP'),
    thaw: () => process.kill(processorPid(), 'SIGCONT'),
    async crash() {
      killLikeACrash(proc.child.pid!, isolation);
      await exited;
      await proc.stop();
    },
  };
}
