// X-Hub-Signature-256 (HMAC-SHA256 of the raw body with the webhook secret), checked with
// @octokit/webhooks. Loaded on first use: the API's other routes never pay for it.
import type { Webhooks } from '@octokit/webhooks';
import { lazyPackage } from '../lazy-package.js';

let verifier: { secret: string; webhooks: Promise<Webhooks> } | undefined;

async function webhooksFor(secret: string): Promise<Webhooks> {
  if (verifier?.secret !== secret) {
    verifier = { secret, webhooks: lazyPackage(() => import('@octokit/webhooks')).then(({ Webhooks }) => new Webhooks({ secret })) };
  }
  return verifier.webhooks;
}

/** Why the delivery is not signed with `secret`, or undefined when it is. */
export async function signatureProblem(secret: string | undefined, rawBody: Buffer, signature: string | undefined): Promise<string | undefined> {
  if (!secret) return 'the GitHub webhook receiver is not configured (GITHUB_WEBHOOK_SECRET is unset)';
  if (!signature) return 'the X-Hub-Signature-256 header is missing';
  if (!/^sha256=[0-9a-f]{64}$/i.test(signature)) return 'the X-Hub-Signature-256 header is not sha256=<hex>';
  if (rawBody.length === 0) return 'the delivery has no body';
  const webhooks = await webhooksFor(secret);
  const ok = await webhooks.verify(rawBody.toString('utf8'), signature.toLowerCase()).catch(() => false);
  return ok ? undefined : 'the X-Hub-Signature-256 signature does not match the body';
}
