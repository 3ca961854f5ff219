// Start-up probe: can the configured sandbox work on this host? Runs one tiny command under
// `codex sandbox` (the same bubblewrap sandbox the agent's commands get) and checks that a write in
// the workspace succeeds and, under workspace-write, a write outside it is refused. It runs inside the
// same process isolation as the jobs' app-server (a PID namespace where available), so a host where
// bubblewrap cannot nest in it fails here, at start-up, not in the first job.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../config.js';
import { processIsolation } from './process-isolation.js';

export interface SandboxProbe {
  ok: boolean;
  sandbox: Config['CODEX_SANDBOX'];
  message: string;
}

export async function probeSandbox(bin: string, sandbox: Config['CODEX_SANDBOX']): Promise<SandboxProbe> {
  if (sandbox === 'danger-full-access') return { ok: true, sandbox, message: 'no sandbox (danger-full-access): commands run with the function’s own rights' };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'codex-sandbox-probe-'));
  const work = path.join(dir, 'ws');
  const outside = path.join(dir, 'outside.txt');
  try {
    await mkdir(work);
    const script = `echo inside > inside.txt; echo outside > '${outside}' 2>/dev/null; exit 0`;
    const [command, ...prefix] = [...(await processIsolation()).prefix, bin];
    const result = await new Promise<{ code: number | string; stderr: string }>((resolve) => {
      execFile(command!, [...prefix, 'sandbox', '-c', `sandbox_mode="${sandbox}"`, '-c', 'sandbox_workspace_write.exclude_slash_tmp=true', '-c', 'sandbox_workspace_write.exclude_tmpdir_env_var=true', '--', 'sh', '-c', script], { cwd: work, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', CODEX_HOME: dir, HOME: dir }, timeout: 20_000, killSignal: 'SIGKILL' }, (err, _stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number | string }).code ?? 1) : 0, stderr: String(stderr) }),
      );
    });
    if (result.code === 'ENOENT' || result.code === 'EACCES') {
      return { ok: false, sandbox, message: `cannot run the codex binary ${bin} (${result.code}): check CODEX_BIN or reinstall @openai/codex` };
    }
    const inside = await readFile(path.join(work, 'inside.txt'), 'utf8').catch(() => '');
    const escaped = await readFile(outside, 'utf8').catch(() => '');
    if (sandbox === 'workspace-write' && !inside) {
      return { ok: false, sandbox, message: `CODEX_SANDBOX=workspace-write cannot work on this host: a sandboxed command could not write its workspace (exit ${result.code}: ${result.stderr.trim().split('\n').at(-1) ?? ''}). Allow unprivileged user namespaces (bubblewrap), or set CODEX_SANDBOX=danger-full-access only where the host itself is an isolated sandbox.` };
    }
    if (escaped) {
      return { ok: false, sandbox, message: `CODEX_SANDBOX=${sandbox} does not confine commands on this host: a sandboxed command wrote outside its workspace.` };
    }
    return { ok: true, sandbox, message: `${sandbox} sandbox works: workspace writable, the rest of the filesystem read-only` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const cache = new Map<string, Promise<SandboxProbe>>();
/** The probe, run once per process (per binary and sandbox mode). */
export function sandboxProbeOnce(bin: string, sandbox: Config['CODEX_SANDBOX']): Promise<SandboxProbe> {
  const key = `${bin}\0${sandbox}`;
  let probe = cache.get(key);
  if (!probe) {
    probe = probeSandbox(bin, sandbox).catch((err: Error) => ({ ok: false, sandbox, message: `sandbox probe failed to run: ${err.message}` }));
    cache.set(key, probe);
  }
  return probe;
}
