// The delivery schedule of one webhook: an attempt, then one more after each delay of
// WEBHOOK_RETRY_DELAYS. Each attempt re-checks the URL against the address policy and connects to
// the addresses it just checked. 2xx ends it (delivered), 410 ends it at once (the receiver is gone),
// anything else (other statuses, 3xx included since redirects are not followed, refused connections,
// timeouts, unresolvable names) is retried; a URL the policy now refuses ends it.
import { assertCallbackAllowed, CallbackUrlError, type AddressPolicy } from './address-policy.js';
import { sendWebhook, type SendResult } from './send-webhook.js';
import { signedHeaders } from './sign.js';

export interface AttemptRecord {
  /** 1-based number of this attempt over the whole delivery (across takeovers). */
  attempt: number;
  status: number | null;
  error: string | null;
  /** What the schedule does next. */
  verdict: 'delivered' | 'gone' | 'refused' | 'retry' | 'exhausted';
  at: string;
}

export interface DeliveryPlan {
  url: string;
  webhookId: string;
  body: string;
  secrets: readonly string[];
  policy: AddressPolicy;
  resolve?: (host: string) => Promise<string[]>;
  timeoutMs: number;
  retryDelaysMs: readonly number[];
  /** Attempts already made by an earlier holder, and when the last one was. */
  attemptsDone: number;
  lastAttemptAt?: string | null;
}

export interface DeliveryHooks {
  /** Called before each attempt (after any wait); false stops the schedule (the claim was lost). */
  beforeAttempt(attempt: number): Promise<boolean>;
  /** Called after each attempt; false stops the schedule (the claim was lost). */
  afterAttempt(record: AttemptRecord): Promise<boolean>;
  sleep?(ms: number): Promise<void>;
}

export type DeliveryOutcome = { outcome: 'finished'; last: AttemptRecord } | { outcome: 'lost_claim' };

export function maxAttempts(retryDelaysMs: readonly number[]): number {
  return retryDelaysMs.length + 1;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function describe(result: SendResult): string | null {
  if (result.status === null) return result.error;
  if (result.status >= 200 && result.status < 300) return null;
  if (result.status >= 300 && result.status < 400) return `HTTP ${result.status} (redirects are not followed)`;
  return `HTTP ${result.status}`;
}

/** One attempt: re-check the URL, sign with this attempt's timestamp, POST to the checked address. */
async function attemptOnce(plan: DeliveryPlan): Promise<{ status: number | null; error: string | null; refused: boolean }> {
  // The lookup is part of the attempt: it and the POST share one WEBHOOK_TIMEOUT_MS.
  const started = Date.now();
  let target;
  try {
    target = await assertCallbackAllowed(plan.url, plan.policy, plan.resolve, { timeoutMs: plan.timeoutMs });
  } catch (err) {
    if (!(err instanceof CallbackUrlError)) throw err;
    // A name that does not resolve now may resolve later; any other refusal is final.
    return { status: null, error: err.message, refused: err.problem !== 'unresolvable' };
  }
  const left = plan.timeoutMs - (Date.now() - started);
  if (left <= 0) return { status: null, error: `timed out after ${plan.timeoutMs} ms (in the address lookup)`, refused: false };
  const headers = signedHeaders(plan.secrets, plan.webhookId, plan.body);
  const result = await sendWebhook({ url: target.url, addresses: target.addresses, headers: { ...headers }, body: plan.body, timeoutMs: left, attemptTimeoutMs: plan.timeoutMs });
  return { status: result.status, error: describe(result), refused: false };
}

export async function deliverWebhook(plan: DeliveryPlan, hooks: DeliveryHooks): Promise<DeliveryOutcome> {
  const sleep = hooks.sleep ?? defaultSleep;
  const total = maxAttempts(plan.retryDelaysMs);
  let lastAt = plan.lastAttemptAt ? Date.parse(plan.lastAttemptAt) : undefined;
  for (let attempt = plan.attemptsDone + 1; attempt <= total; attempt++) {
    if (attempt > 1) {
      // The wait after attempt n-1 is delays[n-2]; a takeover only waits what is left of it.
      const delay = plan.retryDelaysMs[attempt - 2] ?? 0;
      const left = lastAt === undefined ? delay : Math.max(0, lastAt + delay - Date.now());
      if (left > 0) await sleep(left);
    }
    if (!(await hooks.beforeAttempt(attempt))) return { outcome: 'lost_claim' };
    const result = await attemptOnce(plan);
    lastAt = Date.now();
    const ok = result.status !== null && result.status >= 200 && result.status < 300;
    const verdict: AttemptRecord['verdict'] = ok
      ? 'delivered'
      : result.status === 410
        ? 'gone'
        : result.refused
          ? 'refused'
          : attempt >= total
            ? 'exhausted'
            : 'retry';
    const record: AttemptRecord = { attempt, status: result.status, error: result.error, verdict, at: new Date(lastAt).toISOString() };
    if (!(await hooks.afterAttempt(record))) return { outcome: 'lost_claim' };
    if (verdict !== 'retry') return { outcome: 'finished', last: record };
  }
  // Every attempt was already made by an earlier holder: nothing left to send.
  return {
    outcome: 'finished',
    last: { attempt: plan.attemptsDone, status: null, error: 'no attempts left', verdict: 'exhausted', at: new Date().toISOString() },
  };
}
