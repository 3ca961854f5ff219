// A reverse proxy on 127.0.0.1 in front of one server (fake-gcs-server, say) that can hold requests:
// after hold(), every request waits, unanswered and not forwarded, until release(). A test uses it
// to stop a process exactly at its next request to that server, without timing guesses.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HoldingProxy {
  url: string;
  /** Every request (method and path) that reached the proxy, held ones included. */
  requests: string[];
  /** Holds requests from now on; resolves with the first one held (method and path). */
  hold(): Promise<string>;
  /** Forwards the held requests, and every later one at once. */
  release(): void;
  close(): Promise<void>;
}

export async function holdingProxy(targetUrl: string): Promise<HoldingProxy> {
  const target = new URL(targetUrl);
  const requests: string[] = [];
  let gate: { opened: Promise<void>; open: () => void; held: (what: string) => void } | null = null;
  const forward = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const up = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode!, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  };
  const server = http.createServer((req, res) => {
    const what = `${req.method} ${req.url}`;
    requests.push(what);
    if (!gate) return forward(req, res);
    gate.held(what);
    void gate.opened.then(() => forward(req, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    hold() {
      let open = () => undefined as void;
      let held: (what: string) => void = () => undefined;
      const opened = new Promise<void>((r) => (open = r));
      const first = new Promise<string>((r) => (held = r));
      gate = { opened, open, held };
      return first;
    },
    release() {
      gate?.open();
      gate = null;
    },
    close: () =>
      new Promise<void>((r) => {
        gate?.open();
        gate = null;
        server.close(() => r()).closeAllConnections();
      }),
  };
}
