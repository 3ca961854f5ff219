// A real Gitea for tests: the binary built from the Go module proxy into the tool cache
// (dev/go-binaries.ts; about 20 minutes the first time on a machine), run on 127.0.0.1 on a free
// port from a temp folder (app.ini, sqlite, its repositories on disk), with one admin user and an
// access token. close() stops it and removes the folder.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startProcess, type ManagedProcess } from '../../dev/child-processes.js';
import { freePort } from '../../dev/free-port.js';
import { ensureGoBinary, type GoBinary } from '../../dev/go-binaries.js';
import { gitIn, makeFixtureRepository } from './git-http-server.js';
import { eventually } from './test-env.js';

const execFileAsync = promisify(execFile);

/** Gitea built with sqlite; without bindata it reads templates/ and options/ from its module copy. */
export const GITEA: GoBinary = {
  name: 'gitea',
  module: 'code.gitea.io/gitea',
  version: 'v1.27.3',
  how: 'build-in-module',
  tags: ['sqlite', 'sqlite_unlock_notify'],
  keepModule: true,
  about: 'about 20 minutes on a loaded 2-core machine',
};

export interface GiteaRepository {
  /** http://127.0.0.1:port/owner/name.git */
  url: string;
  /** The bare repository on Gitea's disk (for git plumbing in assertions). */
  bare: string;
  /** main's two commits and the branch `feature` (makeFixtureRepository). */
  first: string;
  second: string;
  feature: string;
}

export interface GiteaServer {
  /** http://127.0.0.1:port */
  url: string;
  /** `127.0.0.1:port`, the host of its git URLs. */
  host: string;
  apiBaseUrl: string;
  user: string;
  token: string;
  /** Gitea's REST API as the admin user; throws with the answer on a status >= 400. */
  api<T = unknown>(method: string, apiPath: string, body?: unknown): Promise<T>;
  /** A repository of the admin user holding the fixture's main, feature and v1. */
  repository(name: string): Promise<GiteaRepository>;
  close(): Promise<void>;
}

function appIni(root: string, staticRoot: string, port: number): string {
  const secret = () => randomBytes(32).toString('hex');
  return `I_AM_BEING_UNSAFE_RUNNING_AS_ROOT = true
APP_NAME = codex-jobs-test
RUN_MODE = prod
WORK_PATH = ${root}

[database]
DB_TYPE = sqlite3
PATH = ${root}/data/gitea.db

[server]
PROTOCOL = http
HTTP_ADDR = 127.0.0.1
HTTP_PORT = ${port}
ROOT_URL = http://127.0.0.1:${port}/
DISABLE_SSH = true
OFFLINE_MODE = true
STATIC_ROOT_PATH = ${staticRoot}
APP_DATA_PATH = ${root}/data
LFS_START_SERVER = false

[repository]
ROOT = ${root}/repos
DEFAULT_BRANCH = main

[security]
INSTALL_LOCK = true
SECRET_KEY = ${secret()}
INTERNAL_TOKEN = ${secret()}

[oauth2]
JWT_SECRET = ${randomBytes(32).toString('base64url')}

[service]
DISABLE_REGISTRATION = true

[log]
MODE = console
LEVEL = Warn

[indexer]
ISSUE_INDEXER_TYPE = db
REPO_INDEXER_ENABLED = false

[cron]
ENABLED = false

[mailer]
ENABLED = false
`;
}

export async function startGiteaServer(): Promise<GiteaServer> {
  const bin = ensureGoBinary(GITEA, (line) => console.log(line));
  const root = await mkdtemp(path.join(os.tmpdir(), 'gitea-'));
  let web: ManagedProcess | undefined;
  try {
    const port = await freePort();
    const ini = path.join(root, 'custom/conf/app.ini');
    await mkdir(path.dirname(ini), { recursive: true });
    await writeFile(ini, appIni(root, path.dirname(bin), port));
    const env = { PATH: process.env.PATH, HOME: root, GITEA_WORK_DIR: root };
    const gitea = async (...args: string[]) => (await execFileAsync(bin, ['--config', ini, '--work-path', root, ...args], { env, cwd: root })).stdout.trim();
    await gitea('migrate');
    const user = 'codex';
    await gitea('admin', 'user', 'create', '--username', user, '--password', randomBytes(12).toString('hex'), '--email', 'codex@example.com', '--admin', '--must-change-password=false');
    const token = (await gitea('admin', 'user', 'generate-access-token', '--username', user, '--token-name', 'tests', '--scopes', 'all', '--raw')).split('\n').at(-1)!;
    web = await startProcess('gitea', bin, ['--config', ini, '--work-path', root, 'web'], { env, cwd: root });
    const url = `http://127.0.0.1:${port}`;
    const apiBaseUrl = `${url}/api/v1`;
    const started = web;
    await eventually(async () => {
      if (started.child.exitCode !== null) throw new Error(`gitea web exited (${started.child.exitCode}): ${started.output().slice(-2000)}`);
      return (await fetch(`${apiBaseUrl}/version`).catch(() => undefined))?.ok || undefined;
    }, 'gitea web answers /api/v1/version', 120_000);
    const api = async <T>(method: string, apiPath: string, body?: unknown): Promise<T> => {
      const res = await fetch(`${apiBaseUrl}${apiPath}`, { method, headers: { authorization: `token ${token}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      const text = await res.text();
      if (res.status >= 400) throw new Error(`gitea ${method} ${apiPath}: ${res.status} ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    };
    const stop = web;
    return {
      url,
      host: `127.0.0.1:${port}`,
      apiBaseUrl,
      user,
      token,
      api,
      async repository(name) {
        await api('POST', '/user/repos', { name, default_branch: 'main', private: false });
        const fixtures = await mkdtemp(path.join(os.tmpdir(), 'gitea-fixture-'));
        let commits: { first: string; second: string; feature: string };
        try {
          commits = await makeFixtureRepository(fixtures, name);
          const auth = `Authorization: Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`;
          // An empty repository takes the first branch pushed as its default: main, alone first.
          const push = (...refs: string[]) => gitIn(path.join(fixtures, `${name}.git`), '-c', `http.extraHeader=${auth}`, 'push', '-q', `${url}/${user}/${name}.git`, ...refs);
          push('refs/heads/main');
          push('refs/heads/feature', 'refs/tags/v1');
        } finally {
          await rm(fixtures, { recursive: true, force: true });
        }
        // Gitea records pushed branches from a queue, after the push answers.
        await eventually(async () => ((await api<{ name: string }[] | null>('GET', `/repos/${user}/${name}/branches`))?.length === 2 ? true : undefined), `gitea lists the branches pushed to ${name}`);
        return { url: `${url}/${user}/${name}.git`, bare: path.join(root, 'repos', user, `${name}.git`), ...commits };
      },
      async close() {
        await stop.stop();
        await rm(root, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await web?.stop();
    await rm(root, { recursive: true, force: true });
    throw err;
  }
}
