// A real npm registry for the tests: verdaccio (a devDependency) on 127.0.0.1, with no uplink (it
// never asks the public registry), every package behind authentication, one user and its token.
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

export interface Verdaccio {
  url: string;
  port: number;
  /** The auth token of the registry's one user (the environment's secret in the tests). */
  token: string;
  /** Publishes a package made of these files (package.json included) as that user. */
  publish(files: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

export async function startVerdaccio(): Promise<Verdaccio> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'verdaccio-'));
  const port = await freePort();
  const config = [
    `storage: ${JSON.stringify(path.join(dir, 'storage'))}`,
    'auth:',
    '  htpasswd:',
    `    file: ${JSON.stringify(path.join(dir, 'htpasswd'))}`,
    '    max_users: 10',
    'uplinks: {}',
    'packages:',
    "  '**':",
    '    access: $authenticated',
    '    publish: $authenticated',
    'web:',
    '  enable: false',
    'log: { type: stdout, format: json, level: warn }',
    '',
  ].join('\n');
  await writeFile(path.join(dir, 'config.yaml'), config);
  const bin = path.join(path.dirname(createRequire(import.meta.url).resolve('verdaccio/package.json')), 'bin', 'verdaccio');
  const child = spawn(process.execPath, [bin, '--config', path.join(dir, 'config.yaml'), '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`verdaccio exited (${code}): ${output}`))));
  exited.catch(() => undefined);
  // Ready when it answers its ping (it prints nothing reliable at level warn).
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await Promise.race([fetch(`${url}/-/ping`).then((r) => r.ok, () => false), exited]);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`verdaccio did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const res = await fetch(`${url}/-/user/org.couchdb.user:tester`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'tester', password: 'tester-password-1' }),
  });
  const token = ((await res.json()) as { token?: string }).token;
  if (!token) throw new Error(`verdaccio gave no token (${res.status})`);
  return {
    url,
    port,
    token,
    async publish(files) {
      const pkg = await mkdtemp(path.join(dir, 'pkg-'));
      for (const [name, text] of Object.entries(files)) {
        await mkdir(path.dirname(path.join(pkg, name)), { recursive: true });
        await writeFile(path.join(pkg, name), text);
      }
      const npmrc = path.join(dir, 'publish.npmrc');
      await writeFile(npmrc, `//127.0.0.1:${port}/:_authToken=${token}\n`);
      const env = { PATH: process.env.PATH, HOME: dir, npm_config_userconfig: npmrc, npm_config_cache: path.join(dir, 'npm-cache') };
      await promisify(execFile)('npm', ['publish', '--registry', `${url}/`, '--no-audit'], { cwd: pkg, env });
    },
    async close() {
      child.kill('SIGKILL');
      await exited.catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
