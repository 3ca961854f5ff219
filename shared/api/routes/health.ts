// GET /health: open (no key); 503 when Firestore or Pub/Sub cannot be reached.
import type { Route, RouteContext } from '../router.js';

async function check(fn: () => Promise<unknown>, timeoutMs: number): Promise<'ok' | string> {
  let timer: NodeJS.Timeout | undefined;
  const attempt = fn();
  attempt.catch(() => undefined); // it may fail after the timeout won: never an unhandled rejection
  try {
    await Promise.race([attempt, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), timeoutMs)))]);
    return 'ok';
  } catch (err) {
    return `error: ${(err as Error).message.split('\n')[0]}`;
  } finally {
    clearTimeout(timer);
  }
}

async function health(ctx: RouteContext): Promise<void> {
  const { deps } = ctx;
  const timeout = deps.tuning.healthCheckTimeoutMs;
  const [firestore, pubsub] = await Promise.all([
    check(() => deps.firestore.collection('jobs').limit(1).get(), timeout),
    check(() => deps.pubsub.topic(deps.config.JOBS_TOPIC).getMetadata(), timeout),
  ]);
  const healthy = firestore === 'ok' && pubsub === 'ok';
  ctx.res.set('cache-control', 'no-store');
  await ctx.send(healthy ? 200 : 503, { status: healthy ? 'healthy' : 'unhealthy', version: deps.version, checks: { firestore, pubsub } });
}

export const healthRoutes: Route[] = [{ method: 'GET', path: '/health', public: true, handle: health }];
