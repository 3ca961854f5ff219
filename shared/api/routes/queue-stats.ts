// GET /queue/stats: counts per status, priority and source (every job for an admin, else the caller's).
import { queueStats } from '../queue-stats.js';
import type { Route, RouteContext } from '../router.js';

async function stats(ctx: RouteContext): Promise<void> {
  await ctx.send(200, await queueStats(ctx.deps.firestore, ctx.caller.admin ? undefined : ctx.caller.name));
}

export const queueStatsRoutes: Route[] = [{ method: 'GET', path: '/queue/stats', handle: stats }];
