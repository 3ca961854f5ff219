// Tools this project builds from the Go module proxy into one cache folder (fake-gcs-server for the
// local stack, OpenTofu and its providers for the Terraform check, Gitea for the delivery test).
// Each is built once per machine; a missing Go toolchain stops with one line saying what to install.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PrerequisiteError } from './prerequisite-error.js';

export function cacheDir(): string {
  return process.env.CODEX_JOBS_CACHE_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'codex-jobs');
}

export function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() || undefined : undefined;
}

export interface GoBinary {
  /** File name in the cache's bin folder. */
  name: string;
  module: string;
  version: string;
  /**
   * `install`: `go install module@version` (the usual way).
   * `build-in-module`: download the module and `go build` inside it (for modules whose go.mod has
   * replace directives, or whose version list the proxy refuses, so `go install` cannot take them).
   */
  how: 'install' | 'build-in-module';
  /** Package to build inside the module (build-in-module only), e.g. `./cmd/tofu`. */
  pkg?: string;
  /** How long it takes, for the line printed while it builds. */
  about: string;
  /** Use a binary of this name from PATH instead when there is one. */
  fromPath?: boolean;
  /** Build tags (build-in-module only), e.g. Gitea's `sqlite sqlite_unlock_notify`. */
  tags?: string[];
  /**
   * Build in a writable copy of the module kept at `<cache>/<name>/<version>/`, the binary inside it
   * (build-in-module only): for a tool that reads its source tree at run time (Gitea built without
   * its generated bindata reads templates/ and options/ from there). The version in the path means a
   * new version builds anew. The build's output goes to `<cache>/<name>/<version>.build.log`.
   */
  keepModule?: boolean;
}

function run(cmd: string, args: string[], cwd: string | undefined, env: NodeJS.ProcessEnv): string {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    throw new PrerequisiteError(`${cmd} ${args.join(' ')} failed: ${(r.stderr || r.stdout || String(r.error)).trim().split('\n').slice(-3).join(' ')}`);
  }
  return r.stdout;
}

/** The path of the binary, built into the cache the first time. */
export function ensureGoBinary(tool: GoBinary, log: (line: string) => void = () => undefined): string {
  if (tool.fromPath) {
    const onPath = which(tool.name);
    if (onPath) return onPath;
  }
  if (tool.keepModule) return ensureKeptModuleBinary(tool, log);
  const binDir = path.join(cacheDir(), 'bin');
  const bin = path.join(binDir, tool.name);
  if (existsSync(bin)) return bin;
  if (!which('go')) {
    throw new PrerequisiteError(`${tool.name} is missing and Go is not installed to build it: install Go (https://go.dev/dl/), or put ${tool.name} into ${binDir}.`);
  }
  mkdirSync(binDir, { recursive: true });
  log(`building ${tool.name} (${tool.module}@${tool.version}) with Go into ${binDir} (once; ${tool.about})…`);
  const env = { ...process.env, GOFLAGS: '-mod=mod' };
  // Build beside the target and rename, so an interrupted build never leaves a broken binary.
  const partial = `${bin}.partial-${process.pid}`;
  if (tool.how === 'install') {
    const gobin = path.join(binDir, `.gobin-${process.pid}`);
    run('go', ['install', `${tool.module}@${tool.version}`], undefined, { ...env, GOBIN: gobin });
    const built = path.join(gobin, path.basename(tool.module));
    renameSync(existsSync(built) ? built : path.join(gobin, tool.name), bin);
    rmSync(gobin, { recursive: true, force: true });
  } else {
    const info = JSON.parse(run('go', ['mod', 'download', '-json', `${tool.module}@${tool.version}`], undefined, env)) as { Dir?: string };
    if (!info.Dir) throw new PrerequisiteError(`go mod download ${tool.module}@${tool.version} gave no folder`);
    run('go', ['build', '-o', partial, tool.pkg ?? '.'], info.Dir, env);
    renameSync(partial, bin);
  }
  return bin;
}

/** The folder of a keepModule tool's module copy: its binary is `<folder>/<name>`. */
export function keptModuleDir(tool: Pick<GoBinary, 'name' | 'version'>): string {
  return path.join(cacheDir(), tool.name, tool.version);
}

function ensureKeptModuleBinary(tool: GoBinary, log: (line: string) => void): string {
  const dir = keptModuleDir(tool);
  const bin = path.join(dir, tool.name);
  if (existsSync(bin)) return bin;
  if (!which('go')) throw new PrerequisiteError(`${tool.name} is missing and Go is not installed to build it: install Go (https://go.dev/dl/), or build ${tool.module}@${tool.version} into ${bin}.`);
  const logFile = `${dir}.build.log`;
  mkdirSync(path.dirname(dir), { recursive: true });
  log(`building ${tool.name} (${tool.module}@${tool.version}) with Go into ${dir} (once; ${tool.about}; output in ${logFile})…`);
  const env = { ...process.env, GOFLAGS: '-mod=mod' };
  const info = JSON.parse(run('go', ['mod', 'download', '-json', `${tool.module}@${tool.version}`], undefined, env)) as { Dir?: string };
  if (!info.Dir) throw new PrerequisiteError(`go mod download ${tool.module}@${tool.version} gave no folder`);
  // The module cache is read-only: build in a copy, renamed into place only when the build worked.
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  cpSync(info.Dir, partial, { recursive: true });
  spawnSync('chmod', ['-R', 'u+w', partial]);
  const args = ['build', ...(tool.tags?.length ? ['-tags', tool.tags.join(' ')] : []), '-o', tool.name, tool.pkg ?? '.'];
  const r = spawnSync('go', args, { cwd: partial, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  writeFileSync(logFile, `$ go ${args.join(' ')}  (in a copy of ${info.Dir})\n${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}\nexit ${r.status}\n`);
  if (r.status !== 0) {
    rmSync(partial, { recursive: true, force: true });
    const tail = `${r.stderr || r.stdout || String(r.error)}`.trim().split('\n').slice(-3).join(' ');
    throw new PrerequisiteError(`building ${tool.name} (go ${args.join(' ')} in ${tool.module}@${tool.version}) failed: ${tail} (full output: ${logFile})`);
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  return bin;
}
