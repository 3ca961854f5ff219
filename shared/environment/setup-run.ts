// One run of an environment's setup (or maintenance) script: bash `set -e` in the workspace, under the
// same Codex sandbox as the agent's commands (`codex sandbox` with a permission profile: the host
// read-only, the workspace, the job's HOME and TMPDIR writable), inside a PID and network namespace of
// its own (network-gate.ts) whose only way out is the setup phase's egress proxy. Stopping it kills
// the namespace's init, so nothing the script started survives.
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import { LEASE_LOST, type TurnStop } from '../codex/run-turn.js';
import { gatedCommand, PROXY_PORT, proxyEnv, type Bridge } from './network-gate.js';

export interface SetupProcessRequest {
  codexBin: string;
  dirs: { root: string; workspace: string; home: string; tmpDir: string };
  script: string;
  /** The environment's env and secrets (setup only). */
  env: Record<string, string>;
  /** The setup egress proxy's unix socket; absent: the network is off for setup. */
  proxySocket?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  onLine: (line: string) => void;
}

export interface SetupProcessOutcome {
  exitCode: number | null;
  stop?: TurnStop;
  durationMs: number;
}

const PROFILE = 'codex-jobs-setup';
/** Codex says this on every `codex sandbox` run whose CODEX_HOME is under /tmp; it is not the script's output. */
const CODEX_NOISE = /^WARNING: proceeding, even though we could not create PATH aliases/;

const toml = (s: string) => JSON.stringify(s);

/** The permission profile setup runs under: what workspace-write gives the agent, plus HOME and TMPDIR. */
export function setupProfileToml(dirs: SetupProcessRequest['dirs'], network: boolean): string {
  return [
    `default_permissions = ${toml(PROFILE)}`,
    '[analytics]',
    'enabled = false',
    `[permissions.${PROFILE}.filesystem]`,
    '":root" = "read"',
    `${toml(dirs.home)} = "write"`,
    `${toml(dirs.tmpDir)} = "write"`,
    `[permissions.${PROFILE}.filesystem.":project_roots"]`,
    '"." = "write"',
    `[permissions.${PROFILE}.network]`,
    // "enabled" gives the command the namespace's network: only the bridge to the egress proxy.
    `enabled = ${network}`,
    '',
  ].join('\n');
}

export async function runSetupProcess(req: SetupProcessRequest): Promise<SetupProcessOutcome> {
  const started = Date.now();
  const codexHome = path.join(req.dirs.root, 'setup-codex-home');
  await mkdir(codexHome, { recursive: true, mode: 0o700 });
  await writeFile(path.join(codexHome, 'config.toml'), setupProfileToml(req.dirs, Boolean(req.proxySocket)), { mode: 0o600 });
  const bridges: Bridge[] = req.proxySocket ? [{ port: PROXY_PORT, socketPath: req.proxySocket }] : [];
  // In the job's own PID, mount and network namespaces: the same private temp view as the agent's commands.
  const argv = await gatedCommand(req.dirs.root, bridges, [req.codexBin, 'sandbox', '-P', PROFILE, '-C', req.dirs.workspace, '--', 'bash', '-e', '-c', req.script]);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    ...(process.env.LANG ? { LANG: process.env.LANG } : {}),
    HOME: req.dirs.home,
    TMPDIR: req.dirs.tmpDir,
    CODEX_HOME: codexHome,
    ...(req.proxySocket ? proxyEnv() : {}),
    ...req.env,
  };
  const child = spawn(argv[0]!, argv.slice(1), { cwd: req.dirs.workspace, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stop: TurnStop | undefined;
  const kill = (why: TurnStop) => {
    stop ??= why;
    // unshare passes SIGKILL on to the namespace's init (--kill-child): the whole namespace ends.
    for (const pid of [-(child.pid ?? 0), child.pid ?? 0]) {
      try {
        if (pid) process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  const timer = setTimeout(() => kill('timeout'), Math.max(0, req.timeoutMs));
  const onAbort = () => kill(req.signal?.reason === LEASE_LOST ? 'lease' : 'cancel');
  if (req.signal?.aborted) onAbort();
  req.signal?.addEventListener('abort', onAbort, { once: true });
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      if (!CODEX_NOISE.test(line)) req.onLine(line);
    });
  }
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve(code ?? (signal ? 128 + 9 : null)));
  }).finally(() => {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', onAbort);
  });
  return { exitCode, ...(stop ? { stop } : {}), durationMs: Date.now() - started };
}
