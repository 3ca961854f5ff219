// A real HTTP server between the SDK and the stack's API that injects faults per request: answer
// with a status of its own, forward and then drop the answer, hold a request, or forward an event
// stream and cut the connection after some events. Every request it saw is recorded.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  | { kind: 'forward' }
  | { kind: 'answer'; status: number; headers?: Record<string, string>; body?: string }
  | { kind: 'lose-answer' } // the request reaches the API; its answer never reaches the client
  | { kind: 'hold' } // never answer
  | { kind: 'cut-stream'; afterEvents: number };

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  at: number;
}

export interface FaultProxy {
  url: string;
  seen: SeenRequest[];
  plan: (req: SeenRequest) => Fault;
  close(): Promise<void>;
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const sockets = new Set<import('node:net').Socket>();
  const proxy: FaultProxy = { url: '', seen: [], plan: () => ({ kind: 'forward' }), close: async () => undefined };
  const server = http.createServer((req, res) => {
    const seen: SeenRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, at: Date.now() };
    proxy.seen.push(seen);
    const fault = proxy.plan(seen);
    if (fault.kind === 'hold') return;
    if (fault.kind === 'answer') {
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers }).end(fault.body ?? '');
      return;
    }
    const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (upRes) => {
      if (fault.kind === 'lose-answer') {
        upRes.resume();
        upRes.on('end', () => req.socket.destroy());
        return;
      }
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      if (fault.kind === 'cut-stream') {
        let events = 0;
        upRes.on('data', (chunk: Buffer) => {
          events += (chunk.toString('utf8').match(/^id: /gm) ?? []).length;
          if (events < fault.afterEvents) return void res.write(chunk);
          // Deliver what came, then drop the connection without the stream's end.
          upRes.destroy();
          res.write(chunk, () => req.socket.destroy());
        });
        upRes.on('end', () => res.end());
        return;
      }
      upRes.pipe(res);
    });
    up.on('error', () => req.socket.destroy());
    req.pipe(up);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  return proxy;
}
