// The quota check of every new job (POST /jobs, rerun, and the producers without an HTTP caller):
// over a day or month token quota, or jobs_per_day, the job is refused naming the quota and when it
// resets. jobs_per_day counts at submit, in a transaction on the owner's day document, so any
// number of instances admit no more than the quota; the token quotas read what ended jobs recorded
// (usage-ledger.ts), and a running job is held to the remainder by its max_total_tokens cap.
import { FieldValue, Timestamp, type DocumentSnapshot, type Firestore } from '@google-cloud/firestore';
import { quotasFor, type QuotaKey, type Quotas } from './quotas.js';
import { USAGE_COLLECTION, USAGE_DAY_TTL_DAYS, usageDayDocSchema, usageDayId, type UsageDayDoc } from './usage-day.js';
import { monthSoFar, nextUtcDay, nextUtcMonth } from './usage-periods.js';

export class QuotaExceeded extends Error {
  override name = 'QuotaExceeded';
  constructor(
    readonly quota: QuotaKey,
    readonly limit: number,
    readonly used: number,
    /** The start of the next UTC period, when the quota admits again. */
    readonly resetsAt: Date,
  ) {
    super(`quota ${quota} of ${limit} reached (${used} used); it resets at ${resetsAt.toISOString()}`);
  }

  retryAfterSeconds(now = new Date()): number {
    return Math.max(1, Math.ceil((this.resetsAt.getTime() - now.getTime()) / 1000));
  }
}

const dayDoc = (snap: DocumentSnapshot, date: string): UsageDayDoc =>
  snap.exists ? usageDayDocSchema.parse(snap.data()) : usageDayDocSchema.parse({ owner: '', date, month: date.slice(0, 7) });

/**
 * Admits one new job of the owner or throws QuotaExceeded; counts it in today's `submitted` when
 * the owner has a jobs_per_day quota. An owner without quotas costs nothing (no read).
 */
export async function admitNewJob(db: Firestore, quotas: Quotas, owner: string, now = new Date()): Promise<void> {
  const q = quotasFor(quotas, owner);
  if (!q.tokens_per_day && !q.tokens_per_month && !q.jobs_per_day) return;
  const dates = q.tokens_per_month ? monthSoFar(now) : [now.toISOString().slice(0, 10)];
  const refs = dates.map((d) => db.collection(USAGE_COLLECTION).doc(usageDayId(owner, d)));
  await db.runTransaction(async (tx) => {
    const snaps = await tx.getAll(...refs);
    const days = snaps.map((s, i) => dayDoc(s, dates[i]!));
    const today = days.at(-1)!;
    if (q.tokens_per_day && today.total_tokens >= q.tokens_per_day) throw new QuotaExceeded('tokens_per_day', q.tokens_per_day, today.total_tokens, nextUtcDay(now));
    const month = days.reduce((n, d) => n + d.total_tokens, 0);
    if (q.tokens_per_month && month >= q.tokens_per_month) throw new QuotaExceeded('tokens_per_month', q.tokens_per_month, month, nextUtcMonth(now));
    if (!q.jobs_per_day) return;
    if (today.submitted >= q.jobs_per_day) throw new QuotaExceeded('jobs_per_day', q.jobs_per_day, today.submitted, nextUtcDay(now));
    const date = dates.at(-1)!;
    tx.set(
      refs.at(-1)!,
      { owner, date, month: date.slice(0, 7), submitted: FieldValue.increment(1), expire_at: Timestamp.fromMillis(Date.parse(`${date}T00:00:00Z`) + USAGE_DAY_TTL_DAYS * 86_400_000) },
      { merge: true },
    );
  });
}

/** What remains of the owner's token quotas now (undefined: no token quota), for the cap at start. */
export async function tokensRemaining(db: Firestore, quotas: Quotas, owner: string, now = new Date()): Promise<number | undefined> {
  const q = quotasFor(quotas, owner);
  if (!q.tokens_per_day && !q.tokens_per_month) return undefined;
  const dates = q.tokens_per_month ? monthSoFar(now) : [now.toISOString().slice(0, 10)];
  const snaps = await db.getAll(...dates.map((d) => db.collection(USAGE_COLLECTION).doc(usageDayId(owner, d))));
  const days = snaps.map((s, i) => dayDoc(s, dates[i]!));
  const left = [
    q.tokens_per_day === undefined ? Infinity : q.tokens_per_day - days.at(-1)!.total_tokens,
    q.tokens_per_month === undefined ? Infinity : q.tokens_per_month - days.reduce((n, d) => n + d.total_tokens, 0),
  ];
  return Math.max(0, Math.min(...left));
}
