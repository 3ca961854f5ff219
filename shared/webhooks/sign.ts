// Standard Webhooks signing (https://www.standardwebhooks.com): `v1,` + base64 HMAC-SHA256 of
// `id.timestamp.body`, keyed with the base64-decoded part of a `whsec_…` secret. Several secrets
// (rotation) give several space-separated signatures; a receiver accepts any one it knows.
import { createHmac } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

/** Stable per job, so every retry and redelivery carries the same id (receivers dedupe on it). */
export function webhookIdFor(jobId: string): string {
  return `msg_${jobId}`;
}

function secretKey(secret: string): Buffer {
  const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
  if (key.length === 0) throw new Error('a webhook secret decodes to no bytes');
  return key;
}

export function webhookSignature(secrets: readonly string[], id: string, timestampSeconds: number, body: string): string {
  if (secrets.length === 0) throw new Error('no webhook secret configured (WEBHOOK_SECRET)');
  const signed = `${id}.${timestampSeconds}.${body}`;
  return secrets.map((secret) => `v1,${createHmac('sha256', secretKey(secret)).update(signed, 'utf8').digest('base64')}`).join(' ');
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** The three Standard Webhooks headers of one attempt (the timestamp is the attempt's own). */
export function signedHeaders(secrets: readonly string[], id: string, body: string, now: Date = new Date()): SignedHeaders {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': webhookSignature(secrets, id, timestamp, body),
  };
}
