// The front of one local function, as Cloud Run's ingress is: a stable URL on the function's port
// that passes each request to the instance serving now. A request that arrives while no instance
// serves waits for the next one (a cold start); a request whose instance dies under it is answered
// 503 at once, as Cloud Run answers Pub/Sub, so the push is retried rather than left outstanding
// until its ack deadline (the Pub/Sub emulator never notices a push whose peer died, and stops
// pushing to that subscription meanwhile).
import http from 'node:http';
import { closeAfterAnswer } from '../shared/api/close-after-answer.js';

export interface FunctionFront {
  port: number;
  /** Points the front at a new instance (or at none, while it restarts). */
  setInstance(port: number | undefined): void;
  close(): Promise<void>;
}

export async function startFunctionFront(port: number): Promise<FunctionFront> {
  let instance: number | undefined;
  let waiting: (() => void)[] = [];
  const agent = new http.Agent({ keepAlive: true });
  const instanceReady = () => (instance !== undefined ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve)));

  const server = http.createServer((req, res) => {
    const unavailable = () => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'unavailable', message: 'no instance of this function is serving' } }));
    };
    void instanceReady().then(() => {
      if (instance === undefined) return unavailable(); // the front is closing
      let answered = false;
      let answerEnded = false;
      const upstream = http.request({ host: '127.0.0.1', port: instance, method: req.method, path: req.url, headers: req.headers, agent }, (up) => {
        answered = true;
        // Answered before the caller's body is all here (a 413): the caller reads the answer before its connection closes.
        if (!req.complete) closeAfterAnswer(req, res);
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
        up.on('end', () => (answerEnded = true));
        // An answer cut off by the instance (it died while answering) is cut off for the caller too.
        up.on('error', () => res.destroy());
      });
      upstream.on('error', () => {
        // No answer yet: the instance died under the request (or just before it): 503, so the caller
        // retries. An answer started: the instance closed its side of a request it answered (a 413
        // that stops reading the body does), and the answer goes on to the caller as it came.
        if (!answered) unavailable();
      });
      res.on('close', () => {
        // The caller is gone, or has the whole answer while the body still flows: stop sending it on.
        if (!(answerEnded && upstream.writableFinished)) upstream.destroy();
      });
      req.pipe(upstream);
    });
  });
  server.requestTimeout = 0; // jobs hold their push request for as long as they run
  server.headersTimeout = 0;
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port,
    setInstance: (next) => {
      instance = next;
      if (next === undefined) return;
      const resolve = waiting;
      waiting = [];
      for (const r of resolve) r();
    },
    close: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const resolve = waiting;
      waiting = [];
      for (const r of resolve) r(); // nothing waits for ever
    },
  };
}
