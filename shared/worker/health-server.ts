// The worker's optional health port (WORKER_HEALTH_PORT): GET /health answers 200 while pulling and
// 503 while draining, with the running count. For Kubernetes probes; Cloud Run worker pools need none.
import http from 'node:http';
import type { PullWorker } from './pull-worker.js';

export async function startHealthServer(port: number, worker: PullWorker, concurrency: number): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/health') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"not_found","message":"GET /health only"}}');
      return;
    }
    const draining = worker.draining();
    res.writeHead(draining ? 503 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: draining ? 'draining' : 'healthy', running: worker.running(), concurrency }));
  });
  // In a container the probe comes from outside it; tests and the local stack set HOST=127.0.0.1.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, process.env.HOST ?? '0.0.0.0', () => resolve());
  });
  return server;
}
