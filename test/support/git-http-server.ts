// A smart-HTTP git server for tests: `git http-backend` (the CGI that ships with git) behind a small
// Node http server on 127.0.0.1. Optionally requires a token (HTTP Basic, any user name), and
// records every request's Authorization header so a test can see where a token went.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface GitHttpServer {
  url: string;
  /** The root holding bare repositories (`<root>/<name>.git`). */
  root: string;
  requests: { path: string; authorization: string | undefined }[];
  /**
   * From now on, requests wait (unanswered) until release(): a slow remote, deterministically.
   * Resolves once the first request is held.
   */
  hold(): Promise<void>;
  release(): void;
  close(): Promise<void>;
}

/**
 * `token`: the one password accepted; `accepts`: a check of its own instead (the GitHub stand-in's
 * installation tokens), given the password and the repository (`owner/name` of `/owner/name.git/...`).
 */
export async function startGitHttpServer(options: { token?: string; accepts?: (password: string, repository: string) => boolean } = {}): Promise<GitHttpServer> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'git-http-'));
  const requests: GitHttpServer['requests'] = [];
  let gate: { opened: Promise<void>; open: () => void; held: () => void } | null = null;
  const server = http.createServer((req, res) => {
    if (gate) {
      gate.held();
      void gate.opened.then(() => serve(req, res));
    } else serve(req, res);
  });
  const serve = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ path: url.pathname, authorization: req.headers.authorization });
    if (options.token || options.accepts) {
      const given = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const password = given ? Buffer.from(given, 'base64').toString('utf8').split(':').slice(1).join(':') : undefined;
      const repository = /^\/(.+?)\.git(\/|$)/.exec(decodeURIComponent(url.pathname))?.[1] ?? '';
      if (password === undefined || (options.accepts ? !options.accepts(password, repository) : password !== options.token)) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="test"' }).end('authentication required');
        return;
      }
    }
    const cgi = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        GIT_CONFIG_NOSYSTEM: '1',
        HOME: root,
        REQUEST_METHOD: req.method,
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        REMOTE_ADDR: '127.0.0.1',
        REMOTE_USER: 'test',
        ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: String(req.headers['content-encoding']) } : {}),
        ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
      },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let headersDone = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) return void res.write(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const i = line.indexOf(':');
        const name = line.slice(0, i).trim().toLowerCase();
        const value = line.slice(i + 1).trim();
        if (name === 'status') status = Number.parseInt(value, 10);
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(end + 4));
    });
    cgi.on('close', () => {
      if (!headersDone) res.writeHead(500).end('http-backend gave no answer');
      else res.end();
    });
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    root,
    requests,
    hold() {
      let open = () => undefined as void;
      let held = () => undefined as void;
      const opened = new Promise<void>((r) => (open = r));
      const first = new Promise<void>((r) => (held = r));
      gate = { opened, open, held };
      return first;
    },
    release() {
      gate?.open();
      gate = null;
    },
    close: async () => {
      gate?.open();
      gate = null;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Runs git in a directory with a clean environment (test fixtures). */
export function gitIn(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    env: { PATH: process.env.PATH, HOME: cwd, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
    encoding: 'utf8',
  }).trim();
}

/**
 * A bare repository `<root>/<name>.git` with: main (two commits: README.md + src/math.ts, then
 * a fix), a tag v1 on the first commit, and a branch `feature` with feature.txt. Returns its commits.
 */
export async function makeFixtureRepository(root: string, name: string): Promise<{ first: string; second: string; feature: string }> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'git-fixture-'));
  try {
    gitIn(work, 'init', '-q', '-b', 'main');
    execFileSync('sh', ['-c', 'mkdir -p src && printf "# fixture\\n" > README.md && printf "export const add = (a, b) => a - b;\\n" > src/math.ts'], { cwd: work });
    gitIn(work, 'add', '-A');
    gitIn(work, 'commit', '-qm', 'first');
    const first = gitIn(work, 'rev-parse', 'HEAD');
    gitIn(work, 'tag', 'v1');
    execFileSync('sh', ['-c', 'printf "second\\n" > second.txt'], { cwd: work });
    gitIn(work, 'add', '-A');
    gitIn(work, 'commit', '-qm', 'second');
    const second = gitIn(work, 'rev-parse', 'HEAD');
    gitIn(work, 'checkout', '-q', '-b', 'feature', first);
    execFileSync('sh', ['-c', 'printf "feature\\n" > feature.txt'], { cwd: work });
    gitIn(work, 'add', '-A');
    gitIn(work, 'commit', '-qm', 'feature');
    const feature = gitIn(work, 'rev-parse', 'HEAD');
    gitIn(work, 'checkout', '-q', 'main');
    gitIn(path.dirname(work), 'clone', '-q', '--bare', work, path.join(root, `${name}.git`));
    return { first, second, feature };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
