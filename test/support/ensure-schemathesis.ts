// The OpenAPI fuzz test runs Schemathesis (a Python tool, from PyPI). The project installs it itself:
// a venv under the cache folder (python3 -m venv) with one pinned version, made once per machine and
// version; later runs find it and return at once. `node dist/test/support/ensure-schemathesis.js`
// runs it on its own.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir } from '../../dev/go-binaries.js';

export const SCHEMATHESIS_VERSION = '4.32.5';

function run(cmd: string, args: string[], say: (line: string) => void): Promise<void> {
  say(`ensure-schemathesis: running ${cmd} ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' } });
    child.once('error', (err) => reject(new Error(`${cmd}: ${err.message}${cmd === 'python3' ? ' (the OpenAPI fuzz test needs Python ≥ 3.9 with venv: apt-get install python3 python3-venv)' : ''}`)));
    child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} ended with ${code ?? signal}`))));
  });
}

/** The path of the `st` command of a venv holding schemathesis SCHEMATHESIS_VERSION. */
export async function ensureSchemathesis(say: (line: string) => void = console.log): Promise<string> {
  const venv = path.join(cacheDir(), `schemathesis-${SCHEMATHESIS_VERSION}`);
  const st = path.join(venv, 'bin', 'st');
  const complete = path.join(venv, '.complete');
  if (existsSync(complete)) return st;
  const started = Date.now();
  say(`ensure-schemathesis: making a venv with schemathesis ${SCHEMATHESIS_VERSION} in ${venv} (about a minute)`);
  mkdirSync(cacheDir(), { recursive: true });
  // A venv cannot be moved (its scripts name their python by path): it is made in place, and marked
  // complete last, so a run cut short is made again rather than used half made.
  rmSync(venv, { recursive: true, force: true });
  await run('python3', ['-m', 'venv', venv], say);
  await run(path.join(venv, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', `schemathesis==${SCHEMATHESIS_VERSION}`], say);
  writeFileSync(complete, `schemathesis ${SCHEMATHESIS_VERSION}\n`);
  say(`ensure-schemathesis: ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return st;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  ensureSchemathesis().then(
    (p) => console.log(`ensure-schemathesis: ${p} is ready`),
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
