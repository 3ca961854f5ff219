// A reverse proxy on 127.0.0.1 that serves a server under a path prefix, as a GCP function URL
// (https://REGION-PROJECT.cloudfunctions.net/enqueue/…) does. It records every path asked for.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PrefixProxy {
  url: string;
  paths: string[];
  close(): Promise<void>;
}

export async function prefixProxy(targetUrl: string, prefix: string): Promise<PrefixProxy> {
  const target = new URL(targetUrl);
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(req.url!);
    if (!req.url!.startsWith(`${prefix}/`)) return void res.writeHead(404).end();
    const up = http.request({ host: target.hostname, port: target.port, path: req.url!.slice(prefix.length), method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode!, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${prefix}`,
    paths,
    close: () => new Promise<void>((r) => server.close(() => r()).closeAllConnections()),
  };
}
