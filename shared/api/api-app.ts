// The HTTP API: one handler for the enqueue function. Authenticates, routes, and turns every error
// into the envelope; nothing a client sends yields a 500.
import type { Request, Response } from '@google-cloud/functions-framework';
import { traceFromHeader } from '../logging.js';
import { ApiError } from './api-error.js';
import type { ApiDeps } from './api-deps.js';
import { authenticate, type Caller } from './auth.js';
import { compile, match, type Route } from './router.js';
import { getJobRoutes } from './routes/get-job.js';
import { healthRoutes } from './routes/health.js';
import { submitJobRoutes } from './routes/submit-job.js';

export const API_ROUTES: Route[] = [...healthRoutes, ...submitJobRoutes, ...getJobRoutes];

function baseUrlOf(req: Request): string {
  const proto = String(req.headers['x-forwarded-proto'] ?? req.protocol ?? 'http').split(',')[0]!.trim();
  return `${proto}://${req.headers.host ?? 'localhost'}`;
}

export function createApiHandler(deps: ApiDeps, routes: Route[] = API_ROUTES) {
  const compiled = routes.map(compile);
  return async (req: Request, res: Response): Promise<void> => {
    const trace = traceFromHeader(deps.config.GOOGLE_CLOUD_PROJECT, req.header('x-cloud-trace-context'));
    const log = trace ? deps.log.child({ trace }) : deps.log;
    try {
      const path = (req.path || '/').replace(/\/+$/, '') || '/';
      let found;
      try {
        found = match(compiled, req.method, path);
      } catch {
        throw new ApiError('bad_request', 'the request path is not valid URL encoding');
      }
      if (!found) throw new ApiError('not_found', `no route for ${req.method} ${path}`);
      if ('allowed' in found) throw new ApiError('method_not_allowed', `${req.method} is not allowed on ${path}`, undefined, { allow: found.allowed.join(', ') });
      const caller: Caller = found.route.public ? { name: '', admin: false } : authenticate(deps.config, req.header('x-api-key'));
      await found.route.handle({ req, res, deps, params: found.params, caller, log, baseUrl: baseUrlOf(req) });
    } catch (err) {
      const apiError = err instanceof ApiError ? err : undefined;
      if (!apiError) log.error('request failed', { error: err as Error, method: req.method, path: req.path });
      const e = apiError ?? new ApiError('internal', 'internal error');
      if (res.headersSent) {
        res.end();
        return;
      }
      res.set(e.headers).status(e.status).json(e.toBody());
    }
  };
}
