// GitHub webhook deliveries for tests: the real example payloads of @octokit/webhooks-examples
// (changed only where a test says so), signed here with node:crypto the way GitHub signs them.
import { createHmac, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';

type Examples = { name: string; examples: Record<string, unknown>[] }[];
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as Examples;

/** A deep copy of the first example of `event` (with `action`, when given). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests edit the payloads' fields freely
export function examplePayload<T = Record<string, any>>(event: string, action?: string): T {
  const found = examples.find((e) => e.name === event)?.examples.find((p) => action === undefined || p.action === action);
  if (!found) throw new Error(`no @octokit/webhooks-examples payload for ${event}${action ? `.${action}` : ''}`);
  return structuredClone(found) as T;
}

export function signatureOf(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface Delivery {
  body: string;
  headers: Record<string, string>;
  deliveryId: string;
}

/** The request GitHub would send: JSON body, X-GitHub-Event, X-GitHub-Delivery and (with a secret) X-Hub-Signature-256. */
export function githubDelivery(event: string, payload: unknown, options: { secret?: string; deliveryId?: string } = {}): Delivery {
  const body = JSON.stringify(payload);
  const deliveryId = options.deliveryId ?? randomUUID();
  return {
    body,
    deliveryId,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/test',
      'x-github-event': event,
      'x-github-delivery': deliveryId,
      'x-github-hook-id': '1',
      ...(options.secret ? { 'x-hub-signature-256': signatureOf(options.secret, body) } : {}),
    },
  };
}
