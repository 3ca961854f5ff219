// A raw HTTP/1.1 exchange over a socket, for the HTTP entry points of the hostile suite: fetch() and
// node's client fix the framing themselves, and the hostile inputs are the framing (a Content-Length
// that lies, a chunked body cut off or with a bad chunk size). It reads one whole response, or until
// the server closes; no answer at all is a result too (the server may cut a lying request off),
// judged on the server side by served-api.ts.
import net from 'node:net';

export type Framing = 'length' | 'chunked' | 'declared-huge' | 'declared-larger' | 'chunked-cut' | 'bad-chunk-size' | 'none';

export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  framing: Framing;
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const CLIENT_DEADLINE_MS = 8000;

function framed(r: RawRequest): { head: Record<string, string>; bytes: Buffer } {
  const chunked = (b: Buffer) => (b.length ? Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n')]) : Buffer.alloc(0));
  switch (r.framing) {
    case 'length':
      return { head: { 'content-length': String(r.body.length) }, bytes: r.body };
    case 'none':
      return { head: {}, bytes: Buffer.alloc(0) };
    case 'declared-huge':
      // More than any limit of the API: it must refuse before reading.
      return { head: { 'content-length': String(64 * 1024 * 1024 + r.body.length) }, bytes: r.body };
    case 'declared-larger':
      // Sends less than declared, then half-closes: a client that went away mid-body.
      return { head: { 'content-length': String(r.body.length + 1000) }, bytes: r.body };
    case 'chunked':
      return { head: { 'transfer-encoding': 'chunked' }, bytes: Buffer.concat([chunked(r.body.subarray(0, 100)), chunked(r.body.subarray(100)), Buffer.from('0\r\n\r\n')]) };
    case 'chunked-cut':
      return { head: { 'transfer-encoding': 'chunked' }, bytes: chunked(r.body) };
    case 'bad-chunk-size':
      return { head: { 'transfer-encoding': 'chunked' }, bytes: Buffer.concat([Buffer.from('zz\r\n'), r.body, Buffer.from('\r\n0\r\n\r\n')]) };
  }
}

/** True once `raw` holds a whole response (a server that refused early may keep the socket open a while). */
function complete(raw: Buffer): boolean {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const head = raw.subarray(0, end).toString('latin1').toLowerCase();
  const length = /\r\ncontent-length: *(\d+)/.exec(head)?.[1];
  if (length !== undefined) return raw.length - end - 4 >= Number(length);
  return /\r\ntransfer-encoding: *chunked/.test(head) && raw.subarray(raw.length - 5).toString('latin1') === '0\r\n\r\n';
}

function parseAnswer(raw: Buffer): RawAnswer | undefined {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1]);
  if (!Number.isInteger(status)) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = raw.subarray(end + 4);
  if (headers['transfer-encoding']?.includes('chunked')) {
    const parts: Buffer[] = [];
    for (let at = 0; at < body.length; ) {
      const eol = body.indexOf('\r\n', at);
      const size = parseInt(body.subarray(at, eol).toString('latin1'), 16);
      if (eol < 0 || !Number.isFinite(size) || size === 0) break;
      parts.push(body.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
    body = Buffer.concat(parts);
  } else if (headers['content-length']) body = body.subarray(0, Number(headers['content-length']));
  return { status, headers, body: body.toString('utf8') };
}

/** The server's answer, or undefined when it closed (or reset) without a complete one. */
export function exchange(baseUrl: string, r: RawRequest): Promise<RawAnswer | undefined> {
  const { hostname, port } = new URL(baseUrl);
  const { head, bytes } = framed(r);
  const lines = [`${r.method} ${r.path} HTTP/1.1`, `host: ${hostname}:${port}`, 'connection: close'];
  for (const [k, v] of Object.entries({ ...r.headers, ...head })) lines.push(`${k}: ${v}`);
  return new Promise((resolve) => {
    const received: Buffer[] = [];
    const socket = net.connect({ host: hostname, port: Number(port), allowHalfOpen: true });
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(parseAnswer(Buffer.concat(received)));
    };
    const timer = setTimeout(done, CLIENT_DEADLINE_MS);
    socket.on('data', (c: Buffer) => {
      received.push(c);
      if (complete(Buffer.concat(received))) done();
    });
    socket.on('end', done);
    socket.on('close', done);
    socket.on('error', done);
    socket.write(Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), bytes]));
    // Only a cut-off request half-closes: node's server aborts a request whose client half-closed.
    if (r.framing === 'declared-larger' || r.framing === 'chunked-cut') socket.end();
  });
}
