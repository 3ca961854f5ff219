// The local stack's front (dev/function-front.ts) passes on the answer its instance gave: a chunked
// 3 MiB POST /jobs gets the API's own 413, with a key or without (the byte limit answers before any
// route), although the instance stops reading the body and closes while the body is still coming.
// Only an instance that dies before it answers gets the front's 503; one that dies while answering
// cuts that answer off.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { freePort } from '../../dev/free-port.js';
import { startFunctionFront } from '../../dev/function-front.js';
import { startStack, type Stack } from '../../dev/stack.js';
import { requireEmulators } from '../support/test-env.js';

let stack: Stack;

before(async () => {
  stack = await startStack({ ports: 'free', userEnv: { LOG_LEVEL: 'ERROR' }, emulators: requireEmulators(), only: ['enqueue'], schedules: false });
});
after(async () => {
  await stack?.stop();
});

interface Answer {
  status: number;
  body: string;
}

/** POST /jobs with a chunked body of `bytes` (no Content-Length), sent until the answer comes. */
function chunkedPost(url: string, headers: Record<string, string>, bytes: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(`${url}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      answered = true;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
        req.destroy();
      });
      res.on('error', reject);
    });
    // Once answered, the peer may cut the rest of the upload off: that is not a failure of the answer.
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    req.write('{"prompt":"');
    const pump = () => {
      while (!answered && sent < bytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end('"}');
    };
    pump();
  });
}

test("a chunked 3 MiB POST /jobs through the front gets the API's 413, with a key and without", async () => {
  // Each round is a race between the answer and the close; a few rounds make a lost answer show.
  for (let round = 0; round < 5; round++) {
    for (const headers of [{ 'x-api-key': stack.devApiKey }, {}] as Record<string, string>[]) {
      const answer = await chunkedPost(stack.apiUrl, headers, 3 * 1024 * 1024).catch((err: NodeJS.ErrnoException) => ({ status: 0, body: `the connection failed: ${err.code ?? err.message}` }));
      assert.equal(answer.status, 413, `round ${round}, ${headers['x-api-key'] ? 'with' : 'without'} a key: ${answer.body}`);
      assert.equal((JSON.parse(answer.body) as { error: { code: string } }).error.code, 'payload_too_large');
    }
  }
  // The front still serves (the instance did not die): a small job is queued.
  const ok = await fetch(`${stack.apiUrl}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': stack.devApiKey }, body: JSON.stringify({ prompt: 'after [[final:ok]]' }) });
  assert.equal(ok.status, 202);
});

/** An instance in its own process that says on stdout when it holds a request; /answer-then-die starts an answer first. */
async function startInstance(): Promise<{ port: number; child: ChildProcess; holding(): Promise<string> }> {
  const code = `
    const http = require('node:http');
    const server = http.createServer((req, res) => {
      const say = () => process.stdout.write('holding ' + req.url + '\\n');
      if (req.url === '/answer-then-die') { res.writeHead(200, { 'content-type': 'text/plain' }); res.write('partial answer', say); }
      else say();
    });
    server.listen(0, '127.0.0.1', () => process.stdout.write('port ' + server.address().port + '\\n'));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let waiting: ((line: string) => void)[] = [];
  let partial = '';
  child.stdout!.on('data', (c: Buffer) => {
    partial += c.toString('utf8');
    for (let nl = partial.indexOf('\n'); nl >= 0; nl = partial.indexOf('\n')) {
      const line = partial.slice(0, nl);
      partial = partial.slice(nl + 1);
      const w = waiting;
      waiting = [];
      if (w.length) for (const r of w) r(line);
      else lines.push(line);
    }
  });
  const next = () => (lines.length ? Promise.resolve(lines.shift()!) : new Promise<string>((resolve) => waiting.push(resolve)));
  const port = Number((await next()).replace('port ', ''));
  return { port, child, holding: next };
}

test('an instance killed while it holds a request: the front answers 503; killed while answering: the answer is cut', async (t) => {
  const front = await startFunctionFront(await freePort());
  t.after(() => front.close());

  const holder = await startInstance();
  t.after(() => holder.child.kill('SIGKILL'));
  front.setInstance(holder.port);
  const pending = fetch(`http://127.0.0.1:${front.port}/jobs/held`);
  assert.equal(await holder.holding(), 'holding /jobs/held');
  holder.child.kill('SIGKILL');
  const res = await pending;
  assert.equal(res.status, 503);
  assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'unavailable');

  const answerer = await startInstance();
  t.after(() => answerer.child.kill('SIGKILL'));
  front.setInstance(answerer.port);
  const started = await new Promise<{ status: number; outcome: Promise<string> }>((resolve, reject) => {
    const req = http.get(`http://127.0.0.1:${front.port}/answer-then-die`, (r) => {
      let body = '';
      r.setEncoding('utf8');
      r.on('data', (c: string) => (body += c));
      const outcome = new Promise<string>((done) => {
        r.on('end', () => done(`ended with ${JSON.stringify(body)}`));
        r.on('error', () => done(`cut after ${JSON.stringify(body)}`));
      });
      resolve({ status: r.statusCode ?? 0, outcome });
    });
    req.on('error', reject);
  });
  assert.equal(await answerer.holding(), 'holding /answer-then-die');
  assert.equal(started.status, 200, 'the answer the instance started is the one passed on');
  answerer.child.kill('SIGKILL');
  await once(answerer.child, 'exit');
  assert.match(await started.outcome, /^cut after/);
});
