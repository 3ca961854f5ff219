// GET /health: open (no key); 503 when Firestore or Pub/Sub cannot be reached.
import type { Route, RouteContext } from '../router.js';

const CHECK_TIMEOUT_MS = 3000;

async function check(fn: () => Promise<unknown>): Promise<'ok' | string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([fn(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS)))]);
    return 'ok';
  } catch (err) {
    return `error: ${(err as Error).message.split('\n')[0]}`;
  } finally {
    clearTimeout(timer);
  }
}

async function health(ctx: RouteContext): Promise<void> {
  const { deps } = ctx;
  const [firestore, pubsub] = await Promise.all([
    check(() => deps.firestore.collection('jobs').limit(1).get()),
    check(() => deps.pubsub.topic(deps.config.JOBS_TOPIC).exists()),
  ]);
  const healthy = firestore === 'ok' && pubsub === 'ok';
  ctx.res.status(healthy ? 200 : 503).json({ status: healthy ? 'healthy' : 'unhealthy', version: deps.version, checks: { firestore, pubsub } });
}

export const healthRoutes: Route[] = [{ method: 'GET', path: '/health', public: true, handle: health }];
