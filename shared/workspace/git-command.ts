// The processor's own git: a fixed, minimal environment (no system or global config, no prompts, no
// pager, no inherited secrets) and flags that switch off everything a repository's config could make
// git run (hooks, fsmonitor). Extra environment (credentials) is given to one process only.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export class GitError extends Error {
  override name = 'GitError';
  constructor(
    message: string,
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super(message);
  }
}

/** Fixed identity and time of the commits the processor makes, so the same input gives the same base commit. */
export const BASE_IDENTITY: Record<string, string> = {
  GIT_AUTHOR_NAME: 'codex-jobs',
  GIT_AUTHOR_EMAIL: 'codex-jobs@localhost',
  GIT_AUTHOR_DATE: '2000-01-01T00:00:00Z',
  GIT_COMMITTER_NAME: 'codex-jobs',
  GIT_COMMITTER_EMAIL: 'codex-jobs@localhost',
  GIT_COMMITTER_DATE: '2000-01-01T00:00:00Z',
};

const SAFE_FLAGS = [
  '-c', 'core.hooksPath=/dev/null',
  '-c', 'core.fsmonitor=false',
  '-c', 'core.untrackedCache=false',
  '-c', 'commit.gpgSign=false',
  '-c', 'tag.gpgSign=false',
  '-c', 'core.autocrlf=false',
  '-c', 'core.quotePath=false',
  '-c', 'gc.auto=0',
  '-c', 'maintenance.auto=false',
];

export interface GitOptions {
  cwd?: string;
  /** An empty directory used as HOME (git reads nothing from it). */
  home: string;
  /** Added to the environment of this one process (GIT_DIR, credentials, identity). */
  env?: Record<string, string>;
  /** stdout goes to this file instead of memory (patches). */
  stdoutFile?: string;
  signal?: AbortSignal;
  /** What an error message calls the step: "clone of https://…". */
  what?: string;
}

export function gitEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'C',
    LC_ALL: 'C',
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '/bin/false',
    SSH_ASKPASS: '/bin/false',
    GIT_PAGER: 'cat',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_ADVICE: '0',
    ...extra,
  };
}

const MAX_CAPTURE = 64 * 1024 * 1024;

/** Runs `git <args>`; resolves with its stdout (unless sent to a file), throws GitError on a non-zero exit. */
export async function git(args: string[], options: GitOptions): Promise<string> {
  const child = spawn('git', [...SAFE_FLAGS, ...args], {
    cwd: options.cwd,
    env: gitEnv(options.home, options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
    signal: options.signal,
  });
  const out: Buffer[] = [];
  let outSize = 0;
  const err: Buffer[] = [];
  let errSize = 0;
  const file = options.stdoutFile ? createWriteStream(options.stdoutFile, { flags: 'w', mode: 0o600 }) : undefined;
  if (file) child.stdout.pipe(file);
  else
    child.stdout.on('data', (c: Buffer) => {
      outSize += c.length;
      if (outSize <= MAX_CAPTURE) out.push(c);
    });
  child.stderr.on('data', (c: Buffer) => {
    if (errSize < 16 * 1024) err.push(c);
    errSize += c.length;
  });
  let code: number | null;
  try {
    [code] = (await once(child, 'close')) as [number | null];
  } catch (e) {
    throw new GitError(`${options.what ?? `git ${args[0]}`} could not run: ${(e as Error).message}`, '', null);
  }
  if (file && !file.closed) await once(file, 'close');
  const stderr = Buffer.concat(err).toString('utf8').trim();
  if (code !== 0) {
    const why = stderr.split('\n').filter(Boolean).slice(-3).join('; ') || `exit code ${code}`;
    throw new GitError(`${options.what ?? `git ${args[0]}`} failed: ${why}`, stderr, code);
  }
  if (outSize > MAX_CAPTURE) throw new GitError(`${options.what ?? `git ${args[0]}`} printed more than ${MAX_CAPTURE} bytes`, stderr, code);
  return Buffer.concat(out).toString('utf8');
}
