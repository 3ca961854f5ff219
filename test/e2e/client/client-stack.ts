// The local stack for the client tests (API + processors on free ports, the scripted model), and the
// CLI run as a user runs it: a separate process, with its own HOME (so the profile file is the
// test's) and none of the caller's CODEX_JOBS_* variables.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { DIST_ROOT, startStack, type Stack } from '../../../dev/stack.js';
import { requireEmulators } from '../../support/test-env.js';

export const CLI = path.join(DIST_ROOT, 'client', 'cli', 'main.js');

export async function startClientStack(env: Record<string, string> = {}): Promise<Stack> {
  return startStack({
    ports: 'free',
    projectId: `client-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`,
    emulators: requireEmulators(),
    only: ['enqueue', 'processor', 'processor-priority'],
    schedules: false,
    env: { LOG_LEVEL: 'ERROR', ...env },
  });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliHome {
  home: string;
  writeConfig(profiles: Record<string, { url?: string; api_key?: string }>): void;
  remove(): void;
}

export function cliHome(): CliHome {
  const home = mkdtempSync(path.join(os.tmpdir(), 'codex-jobs-cli-home-'));
  return {
    home,
    writeConfig(profiles) {
      mkdirSync(path.join(home, '.config', 'codex-jobs'), { recursive: true });
      writeFileSync(path.join(home, '.config', 'codex-jobs', 'config.json'), JSON.stringify({ profiles }));
    },
    remove: () => rmSync(home, { recursive: true, force: true }),
  };
}

/** Registers before/after hooks: the file's CLI home and client stack, handed to `ready`; both go after the file. */
export function cliStackPerFile(ready: (stack: Stack, home: CliHome) => void): void {
  let stack: Stack | undefined;
  let home: CliHome | undefined;
  before(async () => {
    home = cliHome();
    stack = await startClientStack();
    ready(stack, home);
  });
  after(async () => {
    await stack?.stop();
    home?.remove();
  });
}

/** The environment of a CLI run: the caller's minus CODEX_JOBS_*, XDG_CONFIG_HOME and HOME. */
export function cliEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CODEX_JOBS_') && k !== 'XDG_CONFIG_HOME') env[k] = v;
  return { ...env, HOME: home, NO_COLOR: '1', CODEX_JOBS_TIMEOUT_MS: '30000', ...extra };
}

export function runCli(args: string[], o: { home: string; env?: Record<string, string>; input?: string; cwd?: string; onStderr?: (text: string, child: ReturnType<typeof spawn>) => void }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: cliEnv(o.home, o.env), cwd: o.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
      o.onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(o.input ?? '');
  });
}
