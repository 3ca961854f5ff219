// The 1 MiB body limit counts the bytes as they arrive, before any parser, whatever the transfer
// encoding: a chunked 30 MiB body is answered 413 with the envelope while the client is still
// sending, and the server stops reading it (the client can push only what the socket buffers hold).
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { BODY_LIMIT_EXCEPTIONS, bodyLimitFor, MAX_BODY_BYTES } from '../../../shared/api/body-limit.js';
import { UPLOAD_MAX_BYTES } from '../../../shared/workspace/upload-object.js';
import { startApi, KEYS, type ApiServer } from './support/api-server.js';

let api: ApiServer;
before(async () => {
  api = await startApi();
});
after(async () => {
  await api.close();
});

interface Upload {
  status: number | null;
  body: string;
  headers: http.IncomingHttpHeaders;
  written: number;
  finishedSending: boolean;
}

/** Sends `total` bytes chunked (no Content-Length), honouring backpressure, until the answer comes or the socket closes. */
function sendChunked(path: string, total: number, headers: Record<string, string> = {}): Promise<Upload> {
  return new Promise((resolve) => {
    const url = new URL(api.url + path);
    const result: Upload = { status: null, body: '', headers: {}, written: 0, finishedSending: false };
    let answered = false;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      req.destroy();
      resolve(result);
    };
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'x-api-key': KEYS.alice, 'content-type': 'application/json', ...headers } }, (res) => {
      answered = true;
      result.status = res.statusCode ?? null;
      result.headers = res.headers;
      res.on('data', (c: Buffer) => (result.body += c.toString()));
      res.on('end', finish);
      res.on('error', finish);
    });
    req.on('error', () => (answered ? undefined : finish()));
    req.on('close', () => (answered ? undefined : finish()));
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      while (!answered && result.written < total) {
        const n = Math.min(chunk.length, total - result.written);
        result.written += n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void req.once('drain', pump);
      }
      if (!answered && result.written >= total) {
        result.finishedSending = true;
        req.end();
      }
    };
    pump();
  });
}

test('a chunked 30 MiB body: 413 with the envelope, answered long before the body is all sent', async () => {
  const total = 30 * 1024 * 1024;
  const upload = await sendChunked('/jobs', total);
  assert.equal(upload.status, 413, upload.body);
  assert.equal(upload.headers.connection, 'close');
  assert.deepEqual(JSON.parse(upload.body), { error: { code: 'payload_too_large', message: `the request body is larger than ${MAX_BODY_BYTES} bytes (1 MiB)` } });
  assert.equal(upload.finishedSending, false, 'the client never got to send the whole body');
  // The server stopped reading at the limit: the client could push only the limit plus what the
  // two sockets' buffers hold (a few MiB on loopback), never the 30 MiB.
  assert.ok(upload.written < total / 2, `the client wrote ${upload.written} bytes`);
  console.log(`chunked 30 MiB: 413 after the client wrote ${(upload.written / 1048576).toFixed(1)} MiB`);
});

test('a chunked body just over 1 MiB is 413; just under it reaches the handler', async () => {
  const over = await sendChunked('/jobs', MAX_BODY_BYTES + 1);
  assert.equal(over.status, 413);
  // 1 MiB of spaces is not a job: the handler answers (400 for the JSON), not the limit.
  const under = await sendChunked('/jobs', MAX_BODY_BYTES);
  assert.equal(under.status, 400, under.body);
  assert.equal(JSON.parse(under.body).error.code, 'bad_request');
});

test('a declared Content-Length over 1 MiB is 413 before anything is read', async () => {
  const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const url = new URL(api.url + '/jobs');
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'x-api-key': KEYS.alice, 'content-type': 'application/json', 'content-length': String(30 * 1024 * 1024) } }, (r) => {
      let body = '';
      r.on('data', (c: Buffer) => (body += c.toString()));
      r.on('end', () => resolve({ status: r.statusCode!, body }));
    });
    req.on('error', reject);
    req.write('{"prompt":'); // then nothing more: the answer must not wait for the body
  });
  assert.equal(res.status, 413);
  assert.equal(JSON.parse(res.body).error.code, 'payload_too_large');
});

test('a compressed body is refused (415): inflating it could pass the limit', async () => {
  const res = await sendChunked('/jobs', 100, { 'content-encoding': 'gzip' });
  assert.equal(res.status, 415);
  const body = JSON.parse(res.body) as { error: { code: string; details: { field: string }[] } };
  assert.equal(body.error.code, 'bad_request');
  assert.equal(body.error.details[0]!.field, 'Content-Encoding');
});

test('a route can have its own limit (the extension point PUT /uploads uses)', () => {
  const route = { method: 'PATCH', path: /^\/things\/[^/]+$/, maxBytes: 5 * 1024 * 1024 };
  assert.equal(bodyLimitFor('PATCH', '/things/t1'), MAX_BODY_BYTES);
  BODY_LIMIT_EXCEPTIONS.push(route);
  try {
    assert.equal(bodyLimitFor('PATCH', '/things/t1?x=1'), 5 * 1024 * 1024);
    assert.equal(bodyLimitFor('POST', '/things/t1'), MAX_BODY_BYTES);
    assert.equal(bodyLimitFor('PATCH', '/things/t1/extra'), MAX_BODY_BYTES);
  } finally {
    BODY_LIMIT_EXCEPTIONS.splice(BODY_LIMIT_EXCEPTIONS.indexOf(route), 1);
  }
  // PUT /uploads/{id} registered itself: its own 31 MiB check answers first, just inside this one.
  assert.ok(bodyLimitFor('PUT', '/uploads/u1') > UPLOAD_MAX_BYTES);
  assert.equal(bodyLimitFor('POST', '/uploads'), MAX_BODY_BYTES);
});
