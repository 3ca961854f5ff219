// A stand-in for GitHub's REST API on 127.0.0.1 (no GitHub runs here). Every request is checked
// against GitHub's own OpenAPI description (path, method, parameters, body): anything invalid or
// unknown is answered 4xx and recorded in `violations`, so the test that made it fails. Every
// answer is built from the operation's response schema and checked against it. The git side of a
// repository is a bare repository served by git http-backend (git-http-server.ts).
import { createPublicKey, createVerify, randomBytes, type KeyObject } from 'node:crypto';
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { Bodies, idOf, type StandinComment, type StandinInstallation, type StandinPull, type StandinRepository } from './github-bodies.js';
import { defaultHandlers, StandinAnswer, type Handler, type HandlerContext } from './github-handlers.js';
import { githubDescription, type MatchedOperation } from './openapi-description.js';

const run = promisify(execFile);

export interface StandinRequest {
  method: string;
  path: string;
  operationId: string | null;
  status: number;
  /** 'pat', 'installation:<id>', 'app' or 'none': which credential made the request. */
  credential: string;
  body: unknown;
}

export interface StandinOptions {
  /** The git server whose root holds the bare repositories (`<root>/<owner>/<name>.git`). */
  gitUrl: string;
  gitRoot: string;
  /** A personal access token accepted for every repository. */
  token?: string;
  /** A GitHub App: its id and public key (the JWTs it signs are checked with it). */
  app?: { id: number; publicKey: KeyObject | string };
  /** Lifetime of installation tokens (GitHub: one hour). */
  tokenTtlMs?: number;
}

export class GitHubStandin {
  readonly description = githubDescription();
  readonly handlers: Record<string, Handler> = { ...defaultHandlers };
  readonly requests: StandinRequest[] = [];
  readonly violations: string[] = [];
  readonly repositories = new Map<string, StandinRepository>();
  readonly pulls: StandinPull[] = [];
  readonly comments: StandinComment[] = [];
  readonly installations: StandinInstallation[] = [];
  /** Issues closed by a merged pull request (`owner/name#n`). */
  readonly closedIssues = new Set<string>();
  /** Installation tokens issued, newest last. */
  readonly issuedTokens: { token: string; installationId: number; expiresAt: string }[] = [];
  bodies!: Bodies;
  url = '';
  private readonly server: http.Server;
  private readonly numbers = new Map<string, number>();
  private ids = 1000;
  private readonly publicKey: KeyObject | undefined;

  constructor(private readonly options: StandinOptions) {
    const key = options.app?.publicKey;
    this.publicKey = key === undefined ? undefined : typeof key === 'string' ? createPublicKey(key) : key;
    this.server = http.createServer((req, res) => void this.serve(req, res));
  }

  get appId(): number | undefined {
    return this.options.app?.id;
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.bodies = new Bodies(this.description, this.url);
    return this;
  }

  /** A repository whose bare git repository already exists at `<gitRoot>/<owner>/<name>.git`. */
  addRepository(r: { owner: string; name: string; default_branch?: string; private?: boolean; installationId?: number }): StandinRepository {
    const full = `${r.owner}/${r.name}`;
    const repo: StandinRepository = {
      id: idOf(full),
      owner: r.owner,
      name: r.name,
      default_branch: r.default_branch ?? 'main',
      private: r.private ?? false,
      bareDir: path.join(this.options.gitRoot, r.owner, `${r.name}.git`),
      cloneUrl: `${this.options.gitUrl}/${full}.git`,
      ...(r.installationId === undefined ? {} : { installationId: r.installationId }),
    };
    this.repositories.set(full, repo);
    if (r.installationId !== undefined) {
      const inst = this.installations.find((i) => i.id === r.installationId) ?? this.installations[this.installations.push({ id: r.installationId, account: r.owner, repositories: [] }) - 1]!;
      inst.repositories.push(full);
    }
    return repo;
  }

  nextId(): number {
    return ++this.ids;
  }

  /** Issues and pull requests share one number sequence per repository. */
  nextNumber(full: string): number {
    const n = (this.numbers.get(full) ?? 0) + 1;
    this.numbers.set(full, n);
    return n;
  }

  issueInstallationToken(installationId: number): { token: string; expiresAt: string } {
    const token = `ghs_${randomBytes(18).toString('hex')}`;
    const expiresAt = new Date(Date.now() + (this.options.tokenTtlMs ?? 3_600_000)).toISOString().replace(/\.\d{3}Z$/, 'Z');
    this.issuedTokens.push({ token, installationId, expiresAt });
    return { token, expiresAt };
  }

  /** Whether a git password is good for a repository (the git server's `accepts`). */
  acceptsGitPassword(password: string, full?: string): boolean {
    if (this.options.token && password === this.options.token) return true;
    const issued = this.issuedTokens.find((t) => t.token === password && Date.parse(t.expiresAt) > Date.now());
    return !!issued && (!full || this.installations.some((i) => i.id === issued.installationId && i.repositories.includes(full)));
  }

  /** The repository, when the credential may use it; else 401 or 404 as GitHub answers. */
  authorizedRepository(owner: string, name: string, credential: HandlerContext['credential']): StandinRepository {
    const repo = this.repositories.get(`${owner}/${name}`);
    if (credential.kind === 'none') throw new StandinAnswer(401, 'Requires authentication');
    if (credential.kind === 'app') throw new StandinAnswer(403, 'Resource not accessible by integration (an App JWT only reaches /app endpoints)');
    if (!repo) throw new StandinAnswer(404, 'Not Found');
    if (credential.kind === 'installation' && repo.installationId !== credential.installationId) throw new StandinAnswer(404, 'Not Found');
    return repo;
  }

  async branchSha(repo: StandinRepository, branch: string): Promise<string | null> {
    try {
      return (await run('git', ['--git-dir', repo.bareDir, 'rev-parse', '--verify', '-q', `refs/heads/${branch}`])).stdout.trim() || null;
    } catch {
      return null;
    }
  }

  async pullBody(pr: StandinPull): Promise<Record<string, unknown>> {
    const base = this.repositories.get(pr.repo)!;
    const head = this.repositories.get(pr.headRepo) ?? base;
    const shas = { head: (await this.branchSha(head, pr.head)) ?? '0'.repeat(40), base: (await this.branchSha(base, pr.base)) ?? '0'.repeat(40) };
    return this.bodies.pull(pr, { base, head }, shas);
  }

  /** Merges a pull request as a fast-forward of its base, and closes the issues its body says it closes. */
  async merge(full: string, number: number): Promise<void> {
    const pr = this.pulls.find((p) => p.repo === full && p.number === number);
    if (!pr || pr.state !== 'open') throw new Error(`no open pull request ${full}#${number}`);
    const repo = this.repositories.get(full)!;
    const head = await this.branchSha(repo, pr.head);
    const base = await this.branchSha(repo, pr.base);
    await run('git', ['--git-dir', repo.bareDir, 'merge-base', '--is-ancestor', base!, head!]); // fast-forward only
    await run('git', ['--git-dir', repo.bareDir, 'update-ref', `refs/heads/${pr.base}`, head!, base!]);
    Object.assign(pr, { state: 'closed', merged: true, updated_at: new Date().toISOString() });
    for (const m of (pr.body ?? '').matchAll(/\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s+#(\d+)\b/gi)) this.closedIssues.add(`${full}#${m[1]}`);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    const credential = this.credentialOf(req.headers.authorization);
    const record = (status: number, operationId: string | null) =>
      this.requests.push({ method, path: url.pathname, operationId, status, credential: credential.kind === 'installation' ? `installation:${credential.installationId}` : credential.kind, body: safeJson(raw) });
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(body === undefined ? '' : JSON.stringify(body));
    };
    const matched = this.description.match(method, url.pathname);
    if ('problem' in matched) {
      this.violations.push(`${method} ${url.pathname}: ${matched.problem}`);
      record(404, null);
      return reply(404, { message: `Not Found (stand-in: ${matched.problem})`, documentation_url: 'https://docs.github.com/rest' });
    }
    const problems = this.description.checkRequest(matched, url.searchParams, req.headers['content-type'], raw);
    if (problems.length) {
      this.violations.push(`${method} ${url.pathname} (${matched.operationId}): ${problems.join('; ')}`);
      record(422, matched.operationId);
      return reply(422, { message: `Validation Failed (stand-in): ${problems.join('; ')}`, documentation_url: 'https://docs.github.com/rest' });
    }
    const handler = this.handlers[matched.operationId];
    if (!handler) {
      this.violations.push(`${method} ${url.pathname}: the stand-in has no handler for ${matched.operationId}`);
      record(501, matched.operationId);
      return reply(501, { message: `the stand-in does not implement ${matched.operationId}` });
    }
    try {
      const answer = await handler({ standin: this, params: matched.params, query: url.searchParams, body: (safeJson(raw) ?? {}) as Record<string, unknown>, credential });
      this.checkAnswer(matched, answer.status, answer.body);
      record(answer.status, matched.operationId);
      reply(answer.status, answer.body);
    } catch (err) {
      if (!(err instanceof StandinAnswer)) {
        this.violations.push(`${method} ${url.pathname}: the stand-in failed: ${(err as Error).stack}`);
        record(500, matched.operationId);
        return reply(500, { message: (err as Error).message });
      }
      record(err.status, matched.operationId);
      reply(err.status, { message: err.message, documentation_url: 'https://docs.github.com/rest', status: String(err.status) });
    }
  }

  /** The stand-in's own answers must be what GitHub's schema says (a broken stand-in fails the test too). */
  private checkAnswer(op: MatchedOperation, status: number, body: unknown): void {
    const problems = this.description.checkResponse(op, status, body);
    if (problems.length) this.violations.push(`stand-in answer of ${op.operationId}: ${problems.join('; ')}`);
  }

  private credentialOf(header: string | undefined): HandlerContext['credential'] {
    const value = /^(?:token|bearer)\s+(\S+)$/i.exec(header ?? '')?.[1];
    if (!value) return { kind: 'none' };
    if (this.options.token && value === this.options.token) return { kind: 'pat' };
    const issued = this.issuedTokens.find((t) => t.token === value && Date.parse(t.expiresAt) > Date.now());
    if (issued) return { kind: 'installation', installationId: issued.installationId };
    if (this.publicKey && value.split('.').length === 3 && this.validJwt(value)) return { kind: 'app' };
    return { kind: 'none' };
  }

  /** An App JWT: RS256, signed with the App's key, iss = the App's id, not expired, at most 10 minutes long. */
  private validJwt(jwt: string): boolean {
    const [h, p, s] = jwt.split('.') as [string, string, string];
    const verify = createVerify('RSA-SHA256');
    verify.update(`${h}.${p}`);
    if (!verify.verify(this.publicKey!, Buffer.from(s, 'base64url'))) return false;
    const header = safeJson(Buffer.from(h, 'base64url').toString()) as { alg?: string } | null;
    const claims = safeJson(Buffer.from(p, 'base64url').toString()) as { iss?: unknown; iat?: number; exp?: number } | null;
    const now = Date.now() / 1000;
    return header?.alg === 'RS256' && String(claims?.iss) === String(this.options.app!.id) && typeof claims?.exp === 'number' && claims.exp > now && typeof claims.iat === 'number' && claims.exp - claims.iat <= 660;
  }
}

function safeJson(raw: string): unknown {
  try {
    return raw ? (JSON.parse(raw) as unknown) : null;
  } catch {
    return raw;
  }
}

export async function startGitHubStandin(options: StandinOptions): Promise<GitHubStandin> {
  return new GitHubStandin(options).listen();
}
