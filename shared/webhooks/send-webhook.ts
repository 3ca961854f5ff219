// One webhook POST. The socket goes to an address the address policy checked (a custom `lookup`
// hands back only those), while Host and TLS SNI keep the URL's hostname. Redirects are never
// followed (node's http client does not), and one timer bounds the whole attempt.
import http from 'node:http';
import https from 'node:https';
import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';

export interface SendRequest {
  url: URL;
  /** The checked addresses of url's host; nothing else is connected to. */
  addresses: string[];
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** The whole attempt's timeout, named in the error (timeoutMs may be what is left of it). */
  attemptTimeoutMs?: number;
}

/** An HTTP answer (any status) or a transport failure (refused, reset, timeout, TLS). */
export type SendResult = { status: number } | { status: null; error: string };

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

function pinnedLookup(addresses: string[]) {
  const entries: LookupAddress[] = addresses.map((address) => ({ address, family: isIP(address) }));
  return (_host: string, options: { all?: boolean }, callback: LookupCallback): void => {
    if (options.all) callback(null, entries);
    else callback(null, entries[0]!.address, entries[0]!.family);
  };
}

export function sendWebhook(request: SendRequest): Promise<SendResult> {
  const { url, addresses, headers, body, timeoutMs } = request;
  if (addresses.length === 0) return Promise.resolve({ status: null, error: 'no checked address to connect to' });
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const settle = (result: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = client.request(
      url,
      {
        method: 'POST',
        // A fresh connection per attempt: no pooled socket to some earlier address.
        agent: false,
        lookup: pinnedLookup(addresses) as never,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'codex-jobs-webhooks/1',
        },
      },
      (res) => {
        settle({ status: res.statusCode ?? 0 });
        // The answer's body is not needed; drop it and the connection.
        res.destroy();
      },
    );
    const timer = setTimeout(() => {
      settle({ status: null, error: `timed out after ${request.attemptTimeoutMs ?? timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      settle({ status: null, error: err.code ? `${err.code}: ${err.message}` : err.message });
    });
    req.end(body);
  });
}
