// Every HTTP call of the SDK goes through here: the API key, a request id, a per-attempt timeout,
// the caller's AbortSignal, and retries (429/5xx/network/timeout) with the same request each time —
// so an Idempotency-Key set by the caller is reused on every retry.
import { randomUUID } from 'node:crypto';
import { CodexJobsError, errorFromResponse } from './errors.js';
import { isRetryableStatus, parseRetryAfter, retryDelayMs, sleep } from './retry-policy.js';

export interface TransportOptions {
  url: string;
  apiKey?: string;
  maxRetries: number;
  timeoutMs: number;
  fetch?: typeof fetch;
  userAgent: string;
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  /** A JSON body; or a body factory (called once per attempt, so a stream can be made again). */
  json?: unknown;
  body?: () => { body: BodyInit; contentType: string; contentLength?: number };
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Only for the time until response headers (streams and downloads read on after it). */
  headersOnly?: boolean;
  /** Send no API key (GET /health). */
  anonymous?: boolean;
  /** An absolute URL instead of url + path (an upload_url). */
  absoluteUrl?: string;
  /** Non-2xx statuses that are an answer, not an error (503 of an unhealthy /health). */
  answerStatuses?: number[];
}

export interface CallResult {
  response: Response;
  requestId: string;
  /** The body read as text (not read when headersOnly). */
  text: string;
}

export class HttpTransport {
  readonly baseUrl: string;
  constructor(private readonly o: TransportOptions) {
    this.baseUrl = o.url.replace(/\/+$/, '');
  }

  urlFor(path: string, query?: CallOptions['query']): string {
    const u = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') u.searchParams.set(k, String(v));
    return u.toString();
  }

  async call(c: CallOptions): Promise<CallResult> {
    const requestId = `req_${randomUUID()}`;
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.attempt(c, requestId);
      if (outcome.kind === 'ok') return outcome.result;
      const retriesLeft = attempt < this.o.maxRetries;
      if (!outcome.retryable || !retriesLeft) throw outcome.error;
      await sleep(retryDelayMs(attempt, outcome.retryAfterMs), c.signal).catch((reason: unknown) => {
        throw aborted(reason, requestId);
      });
    }
  }

  private async attempt(
    c: CallOptions,
    requestId: string,
  ): Promise<{ kind: 'ok'; result: CallResult } | { kind: 'error'; error: CodexJobsError; retryable: boolean; retryAfterMs?: number }> {
    if (c.signal?.aborted) return { kind: 'error', error: aborted(c.signal.reason, requestId), retryable: false };
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.o.timeoutMs);
    const signal = c.signal ? AbortSignal.any([c.signal, timeout.signal]) : timeout.signal;
    const headers: Record<string, string> = { 'user-agent': this.o.userAgent, 'x-request-id': requestId, accept: 'application/json', ...c.headers };
    if (!c.anonymous && this.o.apiKey) headers['x-api-key'] = this.o.apiKey;
    let body: BodyInit | undefined;
    if (c.json !== undefined) {
      body = JSON.stringify(c.json);
      headers['content-type'] = 'application/json';
    } else if (c.body) {
      const made = c.body();
      body = made.body;
      headers['content-type'] = made.contentType;
      if (made.contentLength !== undefined) headers['content-length'] = String(made.contentLength);
    }
    const doFetch = this.o.fetch ?? fetch;
    try {
      const init: RequestInit & { duplex?: 'half' } = { method: c.method ?? 'GET', headers, body, signal, redirect: 'follow' };
      if (body instanceof ReadableStream) init.duplex = 'half';
      const response = await doFetch(c.absoluteUrl ?? this.urlFor(c.path, c.query), init);
      const answeredId = response.headers.get('x-request-id') ?? requestId;
      if (!response.ok && !c.answerStatuses?.includes(response.status)) {
        const text = await response.text().catch(() => '');
        const error = errorFromResponse(response.status, text, answeredId);
        return { kind: 'error', error, retryable: isRetryableStatus(response.status), retryAfterMs: parseRetryAfter(response.headers.get('retry-after')) };
      }
      if (c.headersOnly) return { kind: 'ok', result: { response, requestId: answeredId, text: '' } };
      const text = await response.text();
      return { kind: 'ok', result: { response, requestId: answeredId, text } };
    } catch (err) {
      if (c.signal?.aborted) return { kind: 'error', error: aborted(c.signal.reason, requestId), retryable: false };
      if (timeout.signal.aborted) {
        return { kind: 'error', error: new CodexJobsError({ code: 'timeout', message: `no answer from ${this.baseUrl} within ${this.o.timeoutMs} ms`, requestId, cause: err }), retryable: true };
      }
      return { kind: 'error', error: networkError(this.baseUrl, err, requestId), retryable: true };
    } finally {
      // A stream keeps reading after headers: only then is the timeout no longer ours to enforce.
      clearTimeout(timer);
    }
  }
}

export function aborted(reason: unknown, requestId: string | null): CodexJobsError {
  if (reason instanceof CodexJobsError) return reason;
  return new CodexJobsError({ code: 'aborted', message: 'the request was aborted', requestId, cause: reason });
}

export function networkError(baseUrl: string, err: unknown, requestId: string | null): CodexJobsError {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? (err as Error).message;
  return new CodexJobsError({ code: 'network', message: `cannot reach ${baseUrl} (${why})`, requestId, cause: err });
}

export function parseJson<T>(text: string, requestId: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new CodexJobsError({ code: 'invalid_response', message: `the server's answer to ${what} is not JSON`, requestId, cause: err });
  }
}
