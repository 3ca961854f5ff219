// GET /console (the web console's page) and GET /console/{path} (its scripts, stylesheet, icon).
// Public: the page asks for the API key itself. The asset module is imported on the first console
// request only, so no other route loads it. URLs are relative, so /console/ (which would resolve
// them one level too deep) is redirected to …/console.
import type { Response } from '@google-cloud/functions-framework';
import { ApiError } from '../api-error.js';
import type { Route, RouteContext } from '../router.js';

async function send(ctx: RouteContext, name: string, isPage: boolean): Promise<void> {
  const { consoleAssets, CONSOLE_HEADERS, CONSOLE_PAGE } = await import('../console-assets.js');
  const assets = await consoleAssets();
  if (!assets) throw new ApiError('unavailable', 'the console is not built: run `npm run build` (it lays out dist/console)');
  const asset = name === CONSOLE_PAGE && !isPage ? undefined : assets.get(name);
  if (!asset) throw new ApiError('not_found', `the console has no file ${name}`);
  const res: Response = ctx.res;
  res.set(CONSOLE_HEADERS).set('etag', asset.etag);
  if (ctx.req.header('if-none-match') === asset.etag) {
    res.status(304).end();
    return;
  }
  res.setHeader('content-type', asset.contentType);
  res.status(200).send(asset.body);
}

async function page(ctx: RouteContext): Promise<void> {
  if (ctx.req.path.endsWith('/')) {
    ctx.res.set('cache-control', 'no-cache').redirect(302, '../console');
    return;
  }
  await send(ctx, 'index.html', true);
}

async function asset(ctx: RouteContext): Promise<void> {
  await send(ctx, ctx.params.path!, false);
}

export const consoleRoutes: Route[] = [
  { method: 'GET', path: '/console', public: true, handle: page },
  { method: 'GET', path: '/console/*path', public: true, handle: asset },
];
