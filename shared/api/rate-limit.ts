// Per-key rate limit shared by every instance: a fixed one-minute window counted in Firestore
// (rate_limits/{key}@{minute}, a server-side increment: no transaction, so requests never contend).
//
// Two paths, so the limiter costs no latency while a key is far from its limit:
// - fast (the instance's estimate of the key's count, plus what it sent since, is under half the
//   limit): the request goes ahead at once; its increment is written in the background, coalesced
//   with the other increments of the key that arrive meanwhile (one write per round trip), and the
//   count is re-read at most once a second per key to keep the estimate fresh.
// - exact (near or past the limit): increment, then read the count; over the limit → 429.
// Per request: one increment (fewer under load, coalesced) plus, near the limit, one read.
// Instances never exceed the limit on their own; several instances can overshoot it only by what
// they admit on the fast path within one estimate refresh, and only while under half the limit.
import { FieldValue, Timestamp, type Firestore } from '@google-cloud/firestore';

export const RATE_LIMITS_COLLECTION = 'rate_limits';
const WINDOW_MS = 60_000;
/** Counter documents outlive their window briefly, then the TTL policy (expire_at) removes them. */
const KEEP_MS = 60 * 60_000;
const REFRESH_MS = 1000;

export interface RateDecision {
  allowed: boolean;
  /** The key's request count in this window, this request included. */
  count: number;
  limit: number;
  /** Seconds until the window ends (the Retry-After of a 429). */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** Counts one request and decides with the stored count (increment, then read). */
  take(key: string): Promise<RateDecision>;
  /** Counts one request without waiting for a decision; the promise settles when it is written (never rejects). */
  record(key: string): Promise<void>;
  /** Far enough below the limit that record() may stand in for take(). */
  likelyAllowed(key: string): boolean;
}

interface Estimate {
  window: number;
  /** The stored count at the last read. */
  stored: number;
  /** Requests this instance counted since that read began. */
  since: number;
  readAt: number;
  reading: boolean;
}

export class FirestoreRateLimiter implements RateLimiter {
  private readonly estimates = new Map<string, Estimate>();
  private readonly inFlight = new Map<string, number>();
  private readonly openBatches = new Map<string, { count: number; written: Promise<void> }>();
  private readonly writes = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Firestore,
    readonly limit: number,
    private readonly now: () => number = Date.now,
    private readonly onError: (err: Error) => void = () => undefined,
  ) {}

  private window(): { window: number; windowEnd: number } {
    const window = Math.floor(this.now() / WINDOW_MS);
    return { window, windowEnd: (window + 1) * WINDOW_MS };
  }

  private ref(key: string, window: number) {
    return this.db.collection(RATE_LIMITS_COLLECTION).doc(`${key}@${window}`);
  }

  private estimate(key: string, window: number): Estimate {
    let e = this.estimates.get(key);
    if (!e || e.window !== window) {
      e = { window, stored: 0, since: 0, readAt: 0, reading: false };
      this.estimates.set(key, e);
    }
    return e;
  }

  private increment(key: string, window: number, by: number): Promise<unknown> {
    return this.ref(key, window).set(
      { key, window_start: new Date(window * WINDOW_MS).toISOString(), count: FieldValue.increment(by), expire_at: Timestamp.fromMillis((window + 1) * WINDOW_MS + KEEP_MS) },
      { merge: true },
    );
  }

  likelyAllowed(key: string): boolean {
    const e = this.estimate(key, this.window().window);
    return e.stored + e.since + (this.inFlight.get(key) ?? 0) < this.limit / 2;
  }

  async take(key: string): Promise<RateDecision> {
    const { window, windowEnd } = this.window();
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    try {
      await this.increment(key, window, 1);
      const count = Number((await this.ref(key, window).get()).get('count') ?? 1);
      const e = this.estimate(key, window);
      if (count > e.stored) e.stored = count;
      return { allowed: count <= this.limit, count, limit: this.limit, retryAfterSeconds: Math.max(1, Math.ceil((windowEnd - this.now()) / 1000)) };
    } finally {
      const left = (this.inFlight.get(key) ?? 1) - 1;
      if (left > 0) this.inFlight.set(key, left);
      else this.inFlight.delete(key);
    }
  }

  record(key: string): Promise<void> {
    const { window } = this.window();
    const e = this.estimate(key, window);
    e.since++;
    const id = `${key}@${window}`;
    const open = this.openBatches.get(id);
    if (open) {
      open.count++;
      return open.written;
    }
    // A new batch waits for the key's write in progress; requests arriving meanwhile join it.
    const batch = { count: 1, written: Promise.resolve() };
    const previous = this.writes.get(id) ?? Promise.resolve();
    batch.written = previous
      .then(async () => {
        this.openBatches.delete(id);
        const write = this.increment(key, window, batch.count).then(() => undefined);
        this.writes.set(id, write);
        try {
          await write;
        } finally {
          if (this.writes.get(id) === write) this.writes.delete(id);
        }
        this.refresh(key, window, e);
      })
      .catch((err: Error) => this.onError(err));
    this.openBatches.set(id, batch);
    return batch.written;
  }

  /** Re-reads the stored count in the background, at most once a second per key. */
  private refresh(key: string, window: number, e: Estimate): void {
    if (e.reading || this.now() - e.readAt < REFRESH_MS) return;
    e.reading = true;
    e.readAt = this.now();
    const sinceAtStart = e.since;
    void this.ref(key, window)
      .get()
      .then((snap) => {
        e.stored = Math.max(e.stored, Number(snap.get('count') ?? 0));
        e.since -= sinceAtStart;
      })
      .catch((err: Error) => this.onError(err))
      .finally(() => (e.reading = false));
  }
}
