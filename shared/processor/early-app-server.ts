// Starting a job's `codex app-server` while its claim transaction and workspace run, instead of after
// them: the server's start (PID namespace, private temp view, the binary's own start-up, initialize)
// is the longest step before the turn, and it depends on neither. What it needs is known from the job
// message alone: the job's private folders, its CODEX_HOME (config.toml from the processor's config)
// and its isolation. So it is done only where that is all there is to it:
// - the job has no environment: an environment's settings change config.toml and may put the server
//   in a network namespace, so such a job starts its server after setup, as before (and an
//   environment-free job pays nothing for the feature: no lookup, no setup, no gate, same config);
// - the job has no session: restoring a session writes into CODEX_HOME, which must happen before the
//   server reads it;
// - the processor runs the real turn (a test's stand-in `runTurn` starts its own).
// A claim that says no (busy, terminal, waiting, or an error) stops the server and removes the folders
// before the delivery is answered: codex never runs for a job this processor does not hold. A failure
// of the early start surfaces when the run takes the server, and ends the job as failed, like a
// failure of a late start.
import { providerFromConfig, scrubbedEnv, writeCodexHome } from '../codex/codex-home.js';
import { startAppServer, type StartedAppServer } from '../codex/app-server-start.js';
import { processIsolation } from '../codex/process-isolation.js';
import type { JobSpec } from '../jobs/job-document.js';
import { createJobWorkspace, type JobWorkspace } from './job-workspace.js';
import type { ProcessorDeps } from './run-claimed-job.js';

export interface EarlyAppServer {
  /** The job's private folders, made before the claim. */
  workspace: Promise<JobWorkspace>;
  /** The started server, for the run's turn; rejects when the start failed. Once taken, the turn owns it. */
  take(): Promise<StartedAppServer>;
  /** Stops the server unless the turn took it, and waits until every process of it has ended. */
  release(): Promise<void>;
  /** The claim said no: release(), then remove the folders. */
  discard(): Promise<void>;
}

/** Whether a job can have its server started before the claim (see the top of this file). */
export function startsEarly(deps: Pick<ProcessorDeps, 'runTurn'>, spec: Pick<JobSpec, 'environment' | 'session_id'>): boolean {
  return deps.runTurn === undefined && !spec.environment && !spec.session_id;
}

/**
 * At the run's CODEX_HOME step: the early server when the claimed job is still one that starts early
 * (its document, not the message, decides: an environment or a session means a late start); else the
 * early server (if any) is stopped, CODEX_HOME is written by `writeHome`, and null (the turn starts
 * its own server). Take the early server only where the turn starts, so nothing runs between.
 */
export async function earlyServerFor(early: EarlyAppServer | undefined, job: Pick<JobSpec, 'environment' | 'session_id'>, hasEnvironment: boolean, writeHome: () => Promise<void>): Promise<EarlyAppServer | null> {
  if (early && !hasEnvironment && !job.environment && !job.session_id) return early;
  await early?.release();
  await writeHome();
  return null;
}

/** Jobs with an early server in this process: a duplicate delivery of one is not given a second (its claim says busy). */
const inFlight = new Set<string>();

/** Starts the job's folders and server now; null when the job does not start early. */
export function startEarlyAppServer(deps: Pick<ProcessorDeps, 'config' | 'runTurn'>, spec: Pick<JobSpec, 'job_id' | 'environment' | 'session_id'>): EarlyAppServer | null {
  if (!startsEarly(deps, spec) || inFlight.has(spec.job_id)) return null;
  inFlight.add(spec.job_id);
  const { config } = deps;
  const workspace = createJobWorkspace(spec.job_id);
  const started = (async () => {
    const ws = await workspace;
    await writeCodexHome(ws.codexHome, providerFromConfig(config), config.CODEX_SANDBOX);
    const isolation = await processIsolation();
    return startAppServer({ bin: config.CODEX_BIN, root: ws.root, cwd: ws.workspace, env: scrubbedEnv(process.env, ws, config.OPENAI_API_KEY), isolation });
  })();
  started.catch(() => undefined); // surfaced by take(); release() and discard() need no server
  workspace.catch(() => undefined); // surfaced where the run awaits its folders
  let taken = false;
  let released: Promise<void> | undefined;
  const release = () => {
    released ??= (async () => {
      try {
        if (taken) return;
        const s = await started.catch(() => null);
        // stop(0): no grace; the kill takes its whole PID namespace (or group and descendants) with it.
        if (s) await s.server.stop(0);
      } finally {
        inFlight.delete(spec.job_id);
      }
    })();
    return released;
  };
  return {
    workspace,
    take: async () => {
      if (released) throw new Error('the early app-server was already released');
      taken = true;
      return started;
    },
    release,
    discard: async () => {
      await release();
      const ws = await workspace.catch(() => null);
      await ws?.remove();
    },
  };
}
