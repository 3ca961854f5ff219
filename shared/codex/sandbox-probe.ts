// Start-up probe: can the configured sandbox work on this host? Runs one tiny command under
// `codex sandbox` (the same bubblewrap sandbox the agent's commands get) and checks that a write in
// the workspace succeeds and, under workspace-write, a write outside it is refused. It runs inside the
// same process isolation as the jobs' app-server (a PID namespace and private temp area where
// available, the probe's folder as the job's), so a host where bubblewrap cannot nest in it fails
// here, at start-up, not in the first job.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../config.js';
import { isolatedCommand, processIsolation } from './process-isolation.js';

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
    const [command, ...args] = isolatedCommand(await processIsolation(), dir, [bin, 'sandbox', '-c', `sandbox_mode="${sandbox}"`, '-c', 'sandbox_workspace_write.exclude_slash_tmp=true', '-c', 'sandbox_workspace_write.exclude_tmpdir_env_var=true', '--', 'sh', '-c', script]);
    const result = await new Promise<{ code: number | string; stderr: string }>((resolve) => {
      execFile(command!, args, { cwd: work, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', CODEX_HOME: dir, HOME: dir }, timeout: 20_000, killSignal: 'SIGKILL' }, (err, _stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number | string }).code ?? 1) : 0, stderr: String(stderr) }),
      );
    });
    // Started through a wrapper (unshare, or the private-temp shell's exec), a missing binary shows as
    // exit 127 and the wrapper's message.
    const wrapped = /(?:failed to execute|exec:) .*: (No such file or directory|not found|Permission denied)/.exec(result.stderr);
    if (wrapped) result.code = wrapped[1] === 'Permission denied' ? 'EACCES' : 'ENOENT';
    if (result.code === 'ENOENT' || result.code === 'EACCES') {
      return { ok: false, sandbox, message: `cannot run the codex binary ${bin} (${result.code}): check CODEX_BIN or reinstall @openai/codex` };
    }
    const inside = await readFile(path.join(work, 'inside.txt'), 'utf8').catch(() => '');
    const escaped = await readFile(outside, 'utf8').catch(() => '');
    if (sandbox === 'workspace-write' && !inside) {
      const said = result.stderr.trim().split('\n').at(-1) ?? '';
      return { ok: false, sandbox, message: `CODEX_SANDBOX=workspace-write cannot work on this host: it lacks ${hostLacks(said)} (a sandboxed command could not write its workspace; exit ${result.code}: ${said}). Run the processor on a host that provides it (docs/DEPLOY.md, "The Codex sandbox").` };
    }
    if (escaped) {
      return { ok: false, sandbox, message: `CODEX_SANDBOX=${sandbox} does not confine commands on this host: a sandboxed command wrote outside its workspace.` };
    }
    return { ok: true, sandbox, message: `${sandbox} sandbox works: workspace writable, the rest of the filesystem read-only` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What the Codex sandbox (bubblewrap + seccomp/landlock) needs that the host's answer says is missing. */
function hostLacks(stderr: string): string {
  if (/namespace|unshare|clone|uid_map|setgroups/i.test(stderr)) return 'unprivileged user namespaces (bubblewrap needs them to isolate commands)';
  if (/seccomp/i.test(stderr)) return 'seccomp filtering (the sandbox blocks network syscalls with it)';
  if (/landlock/i.test(stderr)) return 'Landlock (the sandbox restricts file writes with it)';
  if (/bwrap|bubblewrap/i.test(stderr)) return 'a working bubblewrap (the sandbox the agent’s commands run in)';
  if (/mount|proc/i.test(stderr)) return 'permission to mount /proc and bind mounts inside a user namespace';
  return 'what the Codex sandbox needs (unprivileged user namespaces for bubblewrap, seccomp)';
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
