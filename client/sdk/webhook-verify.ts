// webhooks.verify(body, headers, secret): the Standard Webhooks check — HMAC-SHA256 of
// `id.timestamp.body` with the base64 key of `whsec_…`, any of the space-separated `v1,` signatures,
// compared in constant time, and a timestamp within the tolerance (replays of old messages fail).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { CodexJobsError } from './errors.js';

export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

type HeaderBag = Record<string, string | string[] | undefined> | Headers;

function header(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : headers[key];
  return Array.isArray(v) ? v[0] : v;
}

function invalid(message: string): CodexJobsError {
  return new CodexJobsError({ code: 'invalid_signature', message });
}

/** Verifies and returns the parsed body; throws CodexJobsError (code invalid_signature) otherwise. */
export function verifyWebhook<T = unknown>(body: string | Buffer, headers: HeaderBag, secret: string, options: { now?: Date; toleranceSeconds?: number } = {}): T {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) throw invalid('missing webhook-id, webhook-timestamp or webhook-signature header');
  if (!/^\d+$/.test(timestamp)) throw invalid('webhook-timestamp is not a unix time in seconds');
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const tolerance = options.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS;
  if (Math.abs(now - Number(timestamp)) > tolerance) throw invalid('webhook-timestamp is outside the tolerance (an old or replayed message)');
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  const payload = typeof body === 'string' ? body : body.toString('utf8');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${payload}`).digest();
  const ok = signatures.split(' ').some((sig) => {
    const [version, value] = sig.split(',', 2);
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!ok) throw invalid('no webhook-signature matches the secret');
  try {
    return JSON.parse(payload) as T;
  } catch {
    throw invalid('the webhook body is not JSON');
  }
}
