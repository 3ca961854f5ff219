// Per-key rate limit shared by every instance, as budgets leased from Firestore.
//
// A key's minute has one counter document, rate_limits/{key}@{minute}, holding `leased`: how many
// of the minute's RATE_LIMIT_PER_MINUTE requests some instance has taken. An instance admits
// requests from its own budget in memory, with no Firestore call. When its budget is spent it leases
// more in one transaction: grant = min(lease size, limit − leased). So the instances together never
// admit more than the limit, and requests do not wait on a shared document while budget is left.
// - Lease size starts small and doubles with each lease in the minute, up to a tenth of the limit,
//   so a quiet instance holds little that others cannot use, and a busy one leases rarely.
// - Concurrent requests of one instance share one lease in flight.
// - When the minute's budget is all leased, the instance refuses the key until the minute ends
//   (429 with Retry-After), without asking Firestore again.
// Cost: one transaction per lease, not per request. Left-over budget on an instance lapses with
// its minute, so a key spread thin over many instances may get somewhat less than the limit, never more.
import { Timestamp, type Firestore } from '@google-cloud/firestore';

export const RATE_LIMITS_COLLECTION = 'rate_limits';
const WINDOW_MS = 60_000;
/** Counter documents outlive their window briefly, then the TTL policy (expire_at) removes them. */
const KEEP_MS = 60 * 60_000;

export interface RateDecision {
  allowed: boolean;
  limit: number;
  /** Seconds until the window ends (the Retry-After of a 429). */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** The decision now, if it needs no Firestore call (budget in hand, or the minute is spent). */
  decideNow(key: string): RateDecision | undefined;
  /** The decision, leasing budget from Firestore when the instance has none. */
  take(key: string): Promise<RateDecision>;
}

interface Budget {
  window: number;
  left: number;
  /** The size of the next lease. */
  nextLease: number;
  /** Nothing left to lease in this window. */
  spent: boolean;
  leasing?: Promise<void>;
}

/** The largest lease: one instance never holds more than a tenth of a key's minute. */
export function maxLease(limit: number): number {
  return Math.max(1, Math.ceil(limit / 10));
}

function firstLease(limit: number): number {
  return Math.max(1, Math.min(maxLease(limit), Math.floor(limit / 50)));
}

export class FirestoreRateLimiter implements RateLimiter {
  private readonly budgets = new Map<string, Budget>();

  constructor(
    private readonly db: Firestore,
    readonly limit: number,
    private readonly now: () => number = Date.now,
  ) {}

  private budget(key: string): Budget {
    const window = Math.floor(this.now() / WINDOW_MS);
    let b = this.budgets.get(key);
    if (!b || b.window !== window) {
      b = { window, left: 0, nextLease: firstLease(this.limit), spent: false };
      this.budgets.set(key, b);
      // Only the current window matters: forget other keys' old windows as they come by.
      if (this.budgets.size > 10_000) for (const [k, old] of this.budgets) if (old.window !== window) this.budgets.delete(k);
    }
    return b;
  }

  private decision(allowed: boolean, window: number): RateDecision {
    return { allowed, limit: this.limit, retryAfterSeconds: Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - this.now()) / 1000)) };
  }

  decideNow(key: string): RateDecision | undefined {
    const b = this.budget(key);
    if (b.left > 0) {
      b.left--;
      return this.decision(true, b.window);
    }
    return b.spent ? this.decision(false, b.window) : undefined;
  }

  async take(key: string): Promise<RateDecision> {
    for (;;) {
      const now = this.decideNow(key);
      if (now) return now;
      const b = this.budget(key);
      b.leasing ??= this.lease(key, b).finally(() => (b.leasing = undefined));
      await b.leasing;
    }
  }

  private async lease(key: string, b: Budget): Promise<void> {
    const ref = this.db.collection(RATE_LIMITS_COLLECTION).doc(`${key}@${b.window}`);
    const want = b.nextLease;
    const granted = await this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      const leased = Number(snap.get('leased') ?? 0);
      const grant = Math.max(0, Math.min(want, this.limit - leased));
      if (grant > 0) {
        tx.set(ref, { key, window_start: new Date(b.window * WINDOW_MS).toISOString(), leased: leased + grant, expire_at: Timestamp.fromMillis((b.window + 1) * WINDOW_MS + KEEP_MS) }, { merge: true });
      }
      return grant;
    });
    if (granted === 0) b.spent = true;
    b.left += granted;
    b.nextLease = Math.min(maxLease(this.limit), want * 2);
  }
}
