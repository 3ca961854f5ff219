// One job's Codex turn: start (or resume) a thread, run the prompt, turn Codex notifications into
// events, and stop the turn on cancel, timeout or token budget. Always ends the server and its tree.
import type { Usage } from '../jobs/job-document.js';
import { ZERO_USAGE } from '../jobs/job-document.js';
import { AppServerError, type Notification } from './app-server-client.js';
import { startAppServer, type StartedAppServer } from './app-server-start.js';
import { processIsolation, type ProcessIsolation } from './process-isolation.js';

/** lease: the run lost its lease (it stops itself; another holder owns the job now). */
export type TurnStop = 'cancel' | 'timeout' | 'budget' | 'lease';
/** The abort reason that stops a turn as `lease` instead of `cancel`. */
export const LEASE_LOST = 'lease';

export interface TurnRequest {
  bin: string;
  /** The job's private folder (workspace, CODEX_HOME, TMPDIR under it): all of the temp area the turn sees. */
  jobRoot: string;
  workspace: string;
  env: NodeJS.ProcessEnv;
  prompt: string;
  model: string;
  sandbox: string;
  timeoutMs: number;
  outputSchema?: Record<string, unknown> | null;
  maxTotalTokens?: number | null;
  /** Resume this thread (its rollout must be in CODEX_HOME/sessions). */
  resumeThreadId?: string | null;
  /** Aborting it cancels the turn (turn/interrupt, then background terminals cleaned). */
  signal?: AbortSignal;
  /** How the app-server is contained; default: the host's (process-isolation.ts). An environment's agent network passes its gate. */
  isolation?: ProcessIsolation;
  /** A server already started for this job (app-server-start.ts): used instead of starting one; bin, env and isolation were its. */
  server?: StartedAppServer;
  /**
   * Nothing reads the thread after this turn (no session): once the turn has ended, the server and its
   * whole tree are killed at once instead of asked to exit (its graceful exit only flushes the rollout).
   */
  stopAtOnce?: boolean;
  onEvent?: (type: string, data: Record<string, unknown>) => void;
}

export interface TurnOutcome {
  /** completed: the turn ended normally; failed: Codex reported an error; stopped: we stopped it. */
  status: 'completed' | 'failed' | 'stopped';
  stop?: TurnStop;
  errorMessage?: string;
  finalMessage: string;
  threadId: string | null;
  usage: Usage;
  /** Output of the commands the agent ran, in order. */
  commandOutput: string;
  stderr: string;
  durationMs: number;
  /**
   * Resolves once the app-server and every process it started are gone. The turn's results are final
   * before that, so callers upload outputs meanwhile, and await this before calling the job finished.
   */
  closed?: Promise<void>;
}

/** How long a stopped turn may take to report `interrupted` before its process tree is killed. */
const INTERRUPT_GRACE_MS = 1500;
const OUTPUT_LIMIT = 1024 * 1024;
/** How long cleaning background terminals may take before the server is stopped anyway. */
const CLEAN_GRACE_MS = 2000;

function usageFrom(params: Record<string, unknown>): Usage | undefined {
  const total = (params.tokenUsage as { total?: Record<string, number> } | undefined)?.total;
  if (!total) return undefined;
  return {
    input_tokens: total.inputTokens ?? 0,
    cached_input_tokens: total.cachedInputTokens ?? 0,
    output_tokens: total.outputTokens ?? 0,
    reasoning_output_tokens: total.reasoningOutputTokens ?? 0,
    total_tokens: total.totalTokens ?? 0,
  };
}

/** The event recorded for a finished Codex item; deltas are not recorded (the completed item holds them). */
export function eventFromItem(item: Record<string, unknown>): { type: string; data: Record<string, unknown> } | undefined {
  const cut = (s: unknown, n = 8192) => (typeof s === 'string' && s.length > n ? s.slice(0, n) + '…' : s);
  switch (item.type) {
    case 'commandExecution':
      return {
        type: 'command',
        data: { id: item.id, command: item.command, status: item.status, exit_code: item.exitCode ?? null, duration_ms: item.durationMs ?? null, output: cut(item.aggregatedOutput) ?? '' },
      };
    case 'fileChange':
      return {
        type: 'file_change',
        data: { id: item.id, status: item.status, changes: ((item.changes as { path?: string; kind?: unknown }[]) ?? []).map((c) => ({ path: c.path, kind: c.kind })) },
      };
    case 'agentMessage':
      return { type: 'agent_message', data: { id: item.id, text: cut(item.text, 32768) } };
    case 'reasoning':
      return { type: 'reasoning', data: { id: item.id } };
    case 'userMessage':
      return undefined; // the prompt is already in the job document
    default:
      return { type: 'item', data: { id: item.id, item_type: item.type } };
  }
}

export async function runTurn(req: TurnRequest): Promise<TurnOutcome> {
  const started = Date.now();
  const emit = req.onEvent ?? (() => undefined);
  const launched = req.server ?? startAppServer({ bin: req.bin, root: req.jobRoot, cwd: req.workspace, env: req.env, isolation: req.isolation ?? (await processIsolation()) });
  const server = launched.server;
  let threadId: string | null = null;
  let turnId: string | null = null;
  let usage: Usage = { ...ZERO_USAGE };
  let finalMessage = '';
  let commandOutput = '';
  let stop: TurnStop | undefined;
  let lastError: string | undefined;
  let resolveTurn!: (turn: Record<string, unknown>) => void;
  const turnDone = new Promise<Record<string, unknown>>((r) => (resolveTurn = r));

  // The interrupt (then background terminals cleaned) is sent once, as soon as the turn is known.
  let interruptSent = false;
  const interrupt = () => {
    if (interruptSent || !threadId || !turnId) return;
    interruptSent = true;
    const thread = threadId;
    void server
      .request('turn/interrupt', { threadId: thread, turnId })
      .catch(() => undefined)
      // An interrupt does not end a running shell command; this does (experimentalApi).
      .then(() => server.request('thread/backgroundTerminals/clean', { threadId: thread }).catch(() => undefined));
  };
  let killTimer: NodeJS.Timeout | undefined;
  const killNow = () => {
    clearTimeout(killTimer);
    if (server.running) server.kill();
  };
  void server.exited.then(() => clearTimeout(killTimer)); // never signal a pid that may be reused
  const requestStop = (why: TurnStop): void => {
    if (stop) {
      if (why === stop) return;
      // A second reason while the first stop runs (the lease lost after a timeout, say) is not ignored:
      // a lost lease decides the outcome (the run records nothing), and the turn is killed now.
      if (why === 'lease') stop = 'lease';
      emit('stop_escalated', { reason: why });
      killNow();
      return;
    }
    stop = why;
    emit('stop_requested', { reason: why });
    // Armed before anything is asked of the server: one that never answers the interrupt (or the
    // clean) is killed all the same, so the stop always ends.
    killTimer = setTimeout(killNow, INTERRUPT_GRACE_MS);
    killTimer.unref();
    void turnDone.then(() => clearTimeout(killTimer));
    interrupt();
  };

  server.on('notification', (n: Notification) => {
    const p = n.params;
    switch (n.method) {
      case 'item/completed': {
        const item = p.item as Record<string, unknown>;
        if (item.type === 'agentMessage' && typeof item.text === 'string') finalMessage = item.text;
        if (item.type === 'commandExecution' && typeof item.aggregatedOutput === 'string' && commandOutput.length < OUTPUT_LIMIT) {
          commandOutput = (commandOutput + item.aggregatedOutput).slice(0, OUTPUT_LIMIT);
        }
        const ev = eventFromItem(item);
        if (ev) emit(ev.type, ev.data);
        break;
      }
      case 'thread/tokenUsage/updated': {
        const u = usageFrom(p);
        if (u) {
          usage = u;
          emit('token_usage', { ...u });
          if (req.maxTotalTokens && u.total_tokens > req.maxTotalTokens) requestStop('budget');
        }
        break;
      }
      case 'error': {
        const err = p.error as { message?: string } | undefined;
        lastError = err?.message ?? 'codex reported an error';
        emit('error', { message: lastError, will_retry: p.willRetry ?? false });
        break;
      }
      case 'turn/started':
        turnId = ((p.turn as { id?: string }) ?? {}).id ?? turnId;
        emit('turn_started', { turn_id: turnId });
        break;
      case 'turn/completed':
        resolveTurn(p.turn as Record<string, unknown>);
        break;
    }
  });

  const timer = setTimeout(() => requestStop('timeout'), req.timeoutMs);
  const onAbort = () => requestStop(req.signal?.reason === LEASE_LOST ? 'lease' : 'cancel');
  req.signal?.addEventListener('abort', onAbort, { once: true });

  const drive = async (): Promise<TurnOutcome> => {
  try {
    const serverGone = server.exited.then(() => {
      throw new AppServerError(`codex app-server exited during the turn${server.stderr ? `: ${server.stderr.trim().split('\n').at(-1)}` : ''}`);
    });
    serverGone.catch(() => undefined);
    await Promise.race([launched.initialized, serverGone]);
    const threadParams = { cwd: req.workspace, model: req.model, approvalPolicy: 'never', sandbox: req.sandbox };
    const thread = req.resumeThreadId
      ? await server.request<{ thread: { id: string } }>('thread/resume', { threadId: req.resumeThreadId, excludeTurns: true, ...threadParams })
      : await server.request<{ thread: { id: string } }>('thread/start', threadParams);
    threadId = thread.thread.id;
    emit('thread_started', { thread_id: threadId, resumed: Boolean(req.resumeThreadId) });
    if (req.signal?.aborted) requestStop(req.signal.reason === LEASE_LOST ? 'lease' : 'cancel');
    if (!stop) {
      const turn = await server.request<{ turn: { id: string } }>('turn/start', {
        threadId,
        input: [{ type: 'text', text: req.prompt }],
        ...(req.outputSchema ? { outputSchema: req.outputSchema } : {}),
      });
      turnId = turn.turn.id;
      // A stop that began before the turn had an id sends its interrupt now (its kill is already armed).
      if (stop) interrupt();
      else if (req.signal?.aborted) requestStop(req.signal.reason === LEASE_LOST ? 'lease' : 'cancel');
      const ended = await Promise.race([turnDone, serverGone]);
      const status = ended.status as string;
      const error = ended.error as { message?: string; codexErrorInfo?: unknown } | null | undefined;
      emit('turn_completed', { status, duration_ms: ended.durationMs ?? null, ...(error?.message ? { error: error.message } : {}) });
      if (stop) return outcome('stopped');
      if (status === 'completed') return outcome('completed');
      const info = typeof error?.codexErrorInfo === 'string' ? ` (${error.codexErrorInfo})` : error?.codexErrorInfo ? ` (${JSON.stringify(error.codexErrorInfo)})` : '';
      return outcome('failed', `${error?.message ?? lastError ?? `the turn ended ${status}`}${info}`);
    }
    return outcome('stopped');
  } catch (err) {
    if (stop) return outcome('stopped');
    throw err;
  }
  };

  let result: TurnOutcome;
  try {
    result = await drive();
  } catch (err) {
    await server.stop();
    throw err;
  } finally {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', onAbort);
  }
  // On every path, normal end included: background terminals are cleaned, then stop() ends the server
  // and whatever of its processes is left (its whole PID namespace, or group and descendants).
  // stopAtOnce after a turn that ended by itself: the kill alone ends the same processes, sooner.
  const closed = (async () => {
    if (req.stopAtOnce && result.status !== 'stopped') return server.stop(0);
    if (threadId && server.running) {
      const clean = server.request('thread/backgroundTerminals/clean', { threadId }).catch(() => undefined);
      await Promise.race([clean, new Promise((r) => setTimeout(r, CLEAN_GRACE_MS).unref())]);
    }
    await server.stop();
  })();
  return { ...result, closed };

  function outcome(status: TurnOutcome['status'], errorMessage?: string): TurnOutcome {
    return {
      status,
      ...(stop ? { stop } : {}),
      ...(errorMessage ? { errorMessage } : {}),
      finalMessage,
      threadId,
      usage,
      commandOutput,
      stderr: server.stderr,
      durationMs: Date.now() - started,
    };
  }
}
