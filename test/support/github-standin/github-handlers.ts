// The stand-in's operations, one handler per GitHub operationId (extend the table for more). A
// handler reads and changes the stand-in's state and answers a status and the fields it cares
// about; the server fills the rest from GitHub's schema and checks the answer against it.
import type { StandinPull } from './github-bodies.js';
import type { GitHubStandin } from './github-standin.js';

export interface HandlerContext {
  standin: GitHubStandin;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  /** The installation whose token made the request, 'pat' for the personal token, 'app' for the App's JWT. */
  credential: { kind: 'pat' } | { kind: 'installation'; installationId: number } | { kind: 'app' } | { kind: 'none' };
}

export interface Answer {
  status: number;
  body?: unknown;
}

export type Handler = (ctx: HandlerContext) => Answer | Promise<Answer>;

/** An answer that ends a request early (401, 404, 422), as GitHub words it. */
export class StandinAnswer extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function repoOf(ctx: HandlerContext) {
  return ctx.standin.authorizedRepository(ctx.params.owner!, ctx.params.repo!, ctx.credential);
}

function pullOf(ctx: HandlerContext): StandinPull {
  const repo = repoOf(ctx);
  const pr = ctx.standin.pulls.find((p) => p.repo === `${repo.owner}/${repo.name}` && p.number === Number(ctx.params.pull_number));
  if (!pr) throw new StandinAnswer(404, 'Not Found');
  return pr;
}

export const defaultHandlers: Record<string, Handler> = {
  'repos/get': (ctx) => ({ status: 200, body: ctx.standin.bodies.repository(repoOf(ctx)) }),

  'pulls/list': async (ctx) => {
    const repo = repoOf(ctx);
    const full = `${repo.owner}/${repo.name}`;
    const state = ctx.query.get('state') ?? 'open';
    const head = ctx.query.get('head');
    const base = ctx.query.get('base');
    const found = ctx.standin.pulls.filter(
      (p) =>
        p.repo === full &&
        (state === 'all' || p.state === state) &&
        (!head || `${p.headRepo.split('/')[0]}:${p.head}` === head) &&
        (!base || p.base === base),
    );
    const bodies = await Promise.all(found.map(async (p) => ctx.standin.bodies.pullSimple(await ctx.standin.pullBody(p))));
    return { status: 200, body: bodies };
  },

  'pulls/create': async (ctx) => {
    const repo = repoOf(ctx);
    const full = `${repo.owner}/${repo.name}`;
    const head = String(ctx.body.head ?? '');
    const base = String(ctx.body.base ?? '');
    const headBranch = head.includes(':') ? head.split(':')[1]! : head;
    if (!(await ctx.standin.branchSha(repo, headBranch))) throw new StandinAnswer(422, `Validation Failed: head ${head} does not exist`);
    if (!(await ctx.standin.branchSha(repo, base))) throw new StandinAnswer(422, `Validation Failed: base ${base} does not exist`);
    if (ctx.standin.pulls.some((p) => p.repo === full && p.head === headBranch && p.base === base && p.state === 'open')) {
      throw new StandinAnswer(422, `Validation Failed: A pull request already exists for ${repo.owner}:${headBranch}.`);
    }
    const now = new Date().toISOString();
    const pr: StandinPull = {
      id: ctx.standin.nextId(),
      number: ctx.standin.nextNumber(full),
      repo: full,
      title: String(ctx.body.title ?? headBranch),
      body: typeof ctx.body.body === 'string' ? ctx.body.body : null,
      head: headBranch,
      headRepo: full,
      base,
      draft: ctx.body.draft === true,
      state: 'open',
      merged: false,
      created_at: now,
      updated_at: now,
    };
    ctx.standin.pulls.push(pr);
    return { status: 201, body: await ctx.standin.pullBody(pr) };
  },

  'pulls/get': async (ctx) => ({ status: 200, body: await ctx.standin.pullBody(pullOf(ctx)) }),

  'pulls/update': async (ctx) => {
    const pr = pullOf(ctx);
    if (typeof ctx.body.title === 'string') pr.title = ctx.body.title;
    if (typeof ctx.body.body === 'string') pr.body = ctx.body.body;
    if (ctx.body.state === 'open' || ctx.body.state === 'closed') pr.state = ctx.body.state;
    if (typeof ctx.body.base === 'string') pr.base = ctx.body.base;
    pr.updated_at = new Date().toISOString();
    return { status: 200, body: await ctx.standin.pullBody(pr) };
  },

  'issues/create-comment': (ctx) => {
    const repo = repoOf(ctx);
    const now = new Date().toISOString();
    const comment = { id: ctx.standin.nextId(), repo: `${repo.owner}/${repo.name}`, issue_number: Number(ctx.params.issue_number), body: String(ctx.body.body), created_at: now, updated_at: now };
    ctx.standin.comments.push(comment);
    return { status: 201, body: ctx.standin.bodies.comment(comment) };
  },

  'issues/update-comment': (ctx) => {
    const repo = repoOf(ctx);
    const comment = ctx.standin.comments.find((c) => c.repo === `${repo.owner}/${repo.name}` && c.id === Number(ctx.params.comment_id));
    if (!comment) throw new StandinAnswer(404, 'Not Found');
    comment.body = String(ctx.body.body);
    comment.updated_at = new Date().toISOString();
    return { status: 200, body: ctx.standin.bodies.comment(comment) };
  },

  'issues/list-comments': (ctx) => {
    const repo = repoOf(ctx);
    const found = ctx.standin.comments.filter((c) => c.repo === `${repo.owner}/${repo.name}` && c.issue_number === Number(ctx.params.issue_number));
    return { status: 200, body: found.map((c) => ctx.standin.bodies.comment(c)) };
  },

  'apps/get-repo-installation': (ctx) => {
    if (ctx.credential.kind !== 'app') throw new StandinAnswer(401, 'A JSON web token could not be decoded');
    const full = `${ctx.params.owner}/${ctx.params.repo}`;
    const inst = ctx.standin.installations.find((i) => i.repositories.includes(full));
    if (!inst) throw new StandinAnswer(404, 'Not Found');
    return { status: 200, body: ctx.standin.bodies.installation(inst, ctx.standin.appId!) };
  },

  'apps/create-installation-access-token': (ctx) => {
    if (ctx.credential.kind !== 'app') throw new StandinAnswer(401, 'A JSON web token could not be decoded');
    const inst = ctx.standin.installations.find((i) => i.id === Number(ctx.params.installation_id));
    if (!inst) throw new StandinAnswer(404, 'Not Found');
    const { token, expiresAt } = ctx.standin.issueInstallationToken(inst.id);
    return { status: 201, body: ctx.standin.bodies.installationToken(token, expiresAt) };
  },
};
