// The egress point of one job phase: an HTTP proxy (CONNECT for https, absolute-form requests for
// http) that the phase's network namespace reaches through a unix socket (network-gate.ts). Each
// request is decided by the phase's policy (network-policy.ts) on its host, port, method and every
// resolved address, and the connection goes to a checked address, never to a name resolved again.
// Every decision becomes a `network` event (network-events.ts).
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { EgressPolicy } from './network-policy.js';
import type { NetworkEvents, NetworkPhase } from './network-events.js';

export interface EgressProxyOptions {
  /** Where it listens: a unix socket path, or a TCP port on 127.0.0.1 (0 = any free one). */
  listen: { path: string } | { port: number };
  policy: EgressPolicy;
  phase: NetworkPhase;
  /** Where decisions go; absent for the model channel (not the job's commands). */
  events?: NetworkEvents;
  connectTimeoutMs?: number;
}

export interface EgressProxy {
  /** The socket path or TCP port it listens on. */
  address: string | number;
  close(): Promise<void>;
}

const HOP_BY_HOP = ['proxy-connection', 'proxy-authorization', 'connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade'];

function splitHostPort(authority: string, defaultPort: number): { host: string; port: number } | undefined {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(authority);
  if (!m) return undefined;
  return { host: m[1]!, port: m[2] ? Number(m[2]) : defaultPort };
}

/** A connection to the first of the checked addresses that answers. */
function connectChecked(addresses: string[], port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const tryAt = (i: number, lastError?: Error) => {
      if (i >= addresses.length) return reject(lastError ?? new Error('no address to connect to'));
      const socket = net.connect({ host: addresses[i]!, port });
      const timer = setTimeout(() => socket.destroy(new Error(`connect to ${addresses[i]}:${port} timed out`)), timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(socket);
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        tryAt(i + 1, err);
      });
    };
    tryAt(0);
  });
}

function refuseSocket(socket: Duplex, status: number, reason: string): void {
  const body = `${reason}\n`;
  socket.end(`HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : 'Bad Gateway'}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Proxy-Error: ${reason.replace(/[\r\n]/g, ' ')}\r\nConnection: close\r\n\r\n${body}`);
}

export async function startEgressProxy(options: EgressProxyOptions): Promise<EgressProxy> {
  const { policy, phase, events } = options;
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const open = new Set<Duplex>();
  const track = (s: Duplex) => {
    open.add(s);
    s.once('close', () => open.delete(s));
  };

  const decide = async (host: string, port: number, method: string) => {
    const decision = await policy.decide(host, port, method);
    events?.record({ phase, host: host.toLowerCase().replace(/^\[|\]$/g, ''), port, method, allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) });
    return decision;
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      let target: URL;
      try {
        target = new URL(req.url ?? '');
      } catch {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('this is a proxy: send absolute-form requests (http://host/path) or CONNECT\n');
        return;
      }
      if (target.protocol !== 'http:') {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(`use CONNECT for ${target.protocol} URLs\n`);
        return;
      }
      const port = target.port ? Number(target.port) : 80;
      const method = req.method ?? 'GET';
      const decision = await decide(target.hostname, port, method);
      if (!decision.allowed) {
        res.writeHead(403, { 'content-type': 'text/plain', 'x-proxy-error': decision.reason!.replace(/[\r\n]/g, ' ') }).end(`${decision.reason}\n`);
        return;
      }
      const headers = { ...req.headers };
      for (const h of HOP_BY_HOP) delete headers[h];
      let upstream: net.Socket;
      try {
        upstream = await connectChecked(decision.addresses, port, connectTimeoutMs);
      } catch (err) {
        res.writeHead(502, { 'content-type': 'text/plain' }).end(`could not connect: ${(err as Error).message}\n`);
        return;
      }
      // The request goes over the socket already connected to the checked address.
      const forward = http.request({ createConnection: () => upstream, method, path: `${target.pathname}${target.search}`, headers, setHost: false });
      forward.on('response', (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      forward.on('error', (err) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`upstream error: ${err.message}\n`);
        else res.destroy();
      });
      req.pipe(forward);
    })().catch(() => res.destroy());
  });
  server.on('connection', track);

  server.on('connect', (req: http.IncomingMessage, client: Duplex, head: Buffer) => {
    track(client);
    client.on('error', () => undefined);
    void (async () => {
      const target = splitHostPort(req.url ?? '', 443);
      if (!target) return refuseSocket(client, 403, `CONNECT target ${req.url} is not host:port`);
      const decision = await decide(target.host, target.port, 'CONNECT');
      if (!decision.allowed) return refuseSocket(client, 403, decision.reason!);
      let upstream: net.Socket;
      try {
        upstream = await connectChecked(decision.addresses, target.port, connectTimeoutMs);
      } catch (err) {
        return refuseSocket(client, 502, `could not connect: ${(err as Error).message}`);
      }
      track(upstream);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    })().catch(() => client.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if ('path' in options.listen) server.listen(options.listen.path, resolve);
    else server.listen(options.listen.port, '127.0.0.1', resolve);
  });
  const addr = server.address();
  const address = typeof addr === 'string' ? addr : (addr as net.AddressInfo).port;
  return {
    address,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
