// POST /forge/github: the GitHub webhook receiver (shared/forge/). No API key: the signature on the
// raw body is the auth. The intake (and @octokit/webhooks under it) loads on the first delivery only.
import type { Request } from '@google-cloud/functions-framework';
import { ApiError } from '../api-error.js';
import { declaredBodyTooLarge, MAX_BODY_BYTES, tooLargeError } from '../body-limit.js';
import type { Route, RouteContext } from '../router.js';

function rawBodyOf(req: Request): Buffer {
  const raw = (req as Request & { rawBody?: Buffer }).rawBody;
  if (declaredBodyTooLarge(req.headers) || (raw && raw.length > MAX_BODY_BYTES)) throw tooLargeError();
  return raw ?? Buffer.alloc(0);
}

async function receive(ctx: RouteContext): Promise<void> {
  const { req } = ctx;
  const rawBody = rawBodyOf(req);
  const [{ receiveGithubDelivery }, { githubApiFor }] = await Promise.all([import('../../forge/github-intake.js'), import('../../forge/github-client.js')]);
  const header = (name: string) => req.header(name) || undefined;
  const answer = await receiveGithubDelivery(
    { ...ctx.deps, log: ctx.log, github: (cloneUrl) => githubApiFor(ctx.deps.config, cloneUrl) },
    {
      rawBody,
      headers: { event: header('x-github-event'), deliveryId: header('x-github-delivery'), signature: header('x-hub-signature-256'), contentType: header('content-type') },
      baseUrl: ctx.baseUrl,
    },
  ).catch((err: unknown) => {
    // Anything GitHub's own calls threw (a pull request lookup) is not the sender's fault, and no job was made.
    if (err instanceof ApiError) throw err;
    ctx.log.error('GitHub delivery could not be handled', { error: err as Error });
    throw new ApiError('unavailable', 'the delivery could not be handled; redeliver it shortly', undefined, { 'retry-after': '5' });
  });
  await ctx.send(202, answer);
}

export const forgeGithubRoutes: Route[] = [{ method: 'POST', path: '/forge/github', public: true, handle: receive }];
