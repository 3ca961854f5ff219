// Per-key rate limit shared by every instance: a fixed one-minute window counted in Firestore
// (rate_limits/{key}@{minute}). Each request costs one write (a server-side increment, no
// transaction, so concurrent requests never contend) and one read of the new count.
// The instance remembers the last count it saw: while a key is far below its limit, a request may
// start its work while its count is taken (see `likelyAllowed`), so the limiter adds no latency in
// the common case; near the limit the decision comes first.
import { FieldValue, Timestamp, type Firestore } from '@google-cloud/firestore';

export const RATE_LIMITS_COLLECTION = 'rate_limits';
const WINDOW_MS = 60_000;
/** Counter documents outlive their window briefly, then the TTL policy (expire_at) removes them. */
const KEEP_MS = 60 * 60_000;

export interface RateDecision {
  allowed: boolean;
  /** The key's request count in this window, this request included. */
  count: number;
  limit: number;
  /** Seconds until the window ends (the Retry-After of a 429). */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** Counts one request of the key and says whether it is within the limit. */
  take(key: string): Promise<RateDecision>;
  /** True while the key's last seen count plus requests in flight is under half the limit. */
  likelyAllowed(key: string): boolean;
}

export class FirestoreRateLimiter implements RateLimiter {
  private readonly seen = new Map<string, { window: number; count: number }>();
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly db: Firestore,
    readonly limit: number,
    private readonly now: () => number = Date.now,
  ) {}

  likelyAllowed(key: string): boolean {
    const window = Math.floor(this.now() / WINDOW_MS);
    const seen = this.seen.get(key);
    const count = seen && seen.window === window ? seen.count : 0;
    return count + (this.inFlight.get(key) ?? 0) < this.limit / 2;
  }

  async take(key: string): Promise<RateDecision> {
    const now = this.now();
    const window = Math.floor(now / WINDOW_MS);
    const windowEnd = (window + 1) * WINDOW_MS;
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    try {
      const ref = this.db.collection(RATE_LIMITS_COLLECTION).doc(`${key}@${window}`);
      await ref.set(
        { key, window_start: new Date(window * WINDOW_MS).toISOString(), count: FieldValue.increment(1), expire_at: Timestamp.fromMillis(windowEnd + KEEP_MS) },
        { merge: true },
      );
      const count = Number((await ref.get()).get('count') ?? 1);
      const seen = this.seen.get(key);
      if (!seen || seen.window !== window || seen.count < count) this.seen.set(key, { window, count });
      return { allowed: count <= this.limit, count, limit: this.limit, retryAfterSeconds: Math.max(1, Math.ceil((windowEnd - this.now()) / 1000)) };
    } finally {
      const left = (this.inFlight.get(key) ?? 1) - 1;
      if (left > 0) this.inFlight.set(key, left);
      else this.inFlight.delete(key);
    }
  }
}
