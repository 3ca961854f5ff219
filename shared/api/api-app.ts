// The HTTP API: one handler for the enqueue function. Authenticates, counts the caller against the
// rate limit, routes, and turns every error into the envelope; nothing a client sends yields a 500.
import type { Request, Response } from '@google-cloud/functions-framework';
import { traceFromHeader } from '../logging.js';
import { ApiError } from './api-error.js';
import type { ApiDeps } from './api-deps.js';
import { authenticate, type Caller } from './auth.js';
import type { RateDecision } from './rate-limit.js';
import { compile, match, type Route, type RouteContext } from './router.js';
import { cancelJobRoutes } from './routes/cancel-job.js';
import { consoleRoutes } from './routes/console.js';
import { getJobRoutes } from './routes/get-job.js';
import { healthRoutes } from './routes/health.js';
import { jobEventsRoutes } from './routes/job-events.js';
import { jobOutputsRoutes } from './routes/job-outputs.js';
import { listJobsRoutes } from './routes/list-jobs.js';
import { openApiRoutes } from './routes/openapi.js';
import { queueStatsRoutes } from './routes/queue-stats.js';
import { usageRoutes } from './routes/usage.js';
import { submitJobRoutes } from './routes/submit-job.js';
import { jobChangesRoutes } from './routes/job-changes.js';
import { rerunJobRoutes } from './routes/rerun-job.js';
import { uploadRoutes } from './routes/uploads.js';
import { environmentRoutes } from './routes/environments.js';
import { forgeGithubRoutes } from './routes/forge-github.js';

export const API_ROUTES: Route[] = [
  ...healthRoutes,
  ...openApiRoutes,
  ...submitJobRoutes,
  ...listJobsRoutes,
  ...queueStatsRoutes,
  ...usageRoutes,
  ...cancelJobRoutes,
  ...jobEventsRoutes,
  ...jobOutputsRoutes,
  ...jobChangesRoutes,
  ...rerunJobRoutes,
  ...uploadRoutes,
  ...environmentRoutes,
  ...forgeGithubRoutes,
  ...getJobRoutes,
  ...consoleRoutes,
];

function baseUrlOf(req: Request): string {
  const proto = String(req.headers['x-forwarded-proto'] ?? req.protocol ?? 'http').split(',')[0]!.trim();
  const host = String(req.headers['x-forwarded-host'] ?? req.headers.host ?? 'localhost').split(',')[0]!.trim();
  return `${proto === 'https' ? 'https' : 'http'}://${host}`;
}

/** Exits the domain the Functions Framework runs each request in (deprecated `node:domain`). */
function leaveFrameworkDomain(): void {
  (process as { domain?: { exit(): void } | null }).domain?.exit();
}

const ANONYMOUS: Caller = { name: '', admin: false };

function rateLimited(d: RateDecision): ApiError {
  return new ApiError('rate_limited', `rate limit of ${d.limit} requests per minute exceeded; retry in ${d.retryAfterSeconds} s`, undefined, { 'retry-after': String(d.retryAfterSeconds) });
}

/**
 * Counts the caller's request against its rate limit. With budget in hand (the usual case) the
 * decision is immediate; otherwise it waits for a lease, while the handler's reads overlap with it.
 */
function admission(deps: ApiDeps, caller: Caller, isPublic: boolean): Pick<RouteContext, 'admit' | 'likelyAllowed'> & { settled: Promise<unknown> } {
  if (isPublic) return { admit: async () => undefined, likelyAllowed: true, settled: Promise.resolve() };
  const now = deps.limiter.decideNow(caller.name);
  if (now) {
    if (!now.allowed) throw rateLimited(now);
    return { admit: async () => undefined, likelyAllowed: true, settled: Promise.resolve() };
  }
  const decision = deps.limiter.take(caller.name).then(
    (d) => (d.allowed ? undefined : rateLimited(d)),
    (err: Error) => {
      deps.log.error('rate limiter unavailable', { error: err });
      return new ApiError('unavailable', 'the rate limiter is unavailable; retry shortly', undefined, { 'retry-after': '1' });
    },
  );
  return {
    likelyAllowed: false,
    settled: decision,
    admit: async () => {
      const rejection = await decision;
      if (rejection) throw rejection;
    },
  };
}

export function createApiHandler(deps: ApiDeps, routes: Route[] = API_ROUTES) {
  const compiled = routes.map(compile);
  return async (req: Request, res: Response): Promise<void> => {
    const trace = traceFromHeader(deps.config.GOOGLE_CLOUD_PROJECT, req.header('x-cloud-trace-context'));
    const log = trace ? deps.log.child({ trace }) : deps.log;
    let admitted: Promise<void> | undefined;
    try {
      const path = (req.path || '/').replace(/\/+$/, '') || '/';
      let found;
      try {
        found = match(compiled, req.method, path);
      } catch {
        throw new ApiError('bad_request', 'the request path is not valid URL encoding');
      }
      if (!found) throw new ApiError('not_found', `no route for ${req.method} ${path}`);
      if ('allowed' in found) throw new ApiError('bad_request', `${req.method} is not allowed on ${path} (allowed: ${found.allowed.join(', ')})`, undefined, { allow: found.allowed.join(', ') }, 405);
      // Synchronously, before the first await: promises made from here on are not bound to the domain.
      if (found.route.leavesFrameworkDomain) leaveFrameworkDomain();
      const isPublic = found.route.public === true;
      const caller = isPublic ? ANONYMOUS : authenticate(deps.config, req.header('x-api-key'));
      const { admit, likelyAllowed, settled } = admission(deps, caller, isPublic);
      admitted = settled.then(() => undefined);
      const send = async (status: number, body: unknown, headers: Record<string, string> = {}) => {
        await admit();
        res.set(headers).status(status).json(body);
      };
      await found.route.handle({ req, res, deps, params: found.params, caller, log, baseUrl: baseUrlOf(req), admit, likelyAllowed, send });
    } catch (err) {
      const apiError = err instanceof ApiError ? err : undefined;
      if (!apiError) log.error('request failed', { error: err as Error, method: req.method, path: req.path });
      const e = apiError ?? new ApiError('internal', 'internal error');
      if (res.headersSent) {
        res.end();
      } else {
        res.set(e.headers).status(e.status).json(e.toBody());
      }
    } finally {
      // The count finishes even when the handler answered early (an error), so no promise outlives the request unobserved.
      await admitted;
    }
  };
}
