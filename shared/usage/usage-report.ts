// GET /usage's answer: an owner's (or every owner's) days between two dates, their totals, and the
// owner's quotas with what is used and what remains.
import type { Firestore } from '@google-cloud/firestore';
import { z } from 'zod';
import { QUOTA_KEYS, quotasFor, type Quotas } from './quotas.js';
import { USAGE_COLLECTION, usageDayDocSchema, usageDayFromDoc, usageDayId, usageDaySchema, type UsageDay, type UsageDayDoc } from './usage-day.js';
import { datesBetween, monthSoFar, nextUtcDay, nextUtcMonth } from './usage-periods.js';

export const quotaStatusSchema = z.object({
  limit: z.number().int(),
  used: z.number().int(),
  remaining: z.number().int(),
  /** When the period's count starts again (concurrent_jobs has none). */
  resets_at: z.string().optional(),
});
export const usageReportSchema = z.object({
  owner: z.string().describe('the key name, or * for every owner (admins)'),
  days: z.array(usageDaySchema),
  totals: usageDaySchema.omit({ date: true }),
  quotas: z.object(Object.fromEntries(QUOTA_KEYS.map((k) => [k, quotaStatusSchema.optional()])) as Record<(typeof QUOTA_KEYS)[number], z.ZodOptional<typeof quotaStatusSchema>>),
});
export type UsageReport = z.infer<typeof usageReportSchema>;

const EMPTY = (date: string): UsageDayDoc => usageDayDocSchema.parse({ owner: '', date, month: date.slice(0, 7) });

/** The owner's day documents for these dates (by id: no index needed), zeros where none. */
export async function ownerDays(db: Firestore, owner: string, dates: string[]): Promise<UsageDayDoc[]> {
  if (dates.length === 0) return [];
  const snaps = await db.getAll(...dates.map((d) => db.collection(USAGE_COLLECTION).doc(usageDayId(owner, d))));
  return snaps.map((s, i) => (s.exists ? usageDayDocSchema.parse(s.data()) : EMPTY(dates[i]!)));
}

/** Every owner's days summed per date (the date range is a single-field query). */
async function allOwnersDays(db: Firestore, dates: string[]): Promise<UsageDayDoc[]> {
  const byDate = new Map(dates.map((d) => [d, EMPTY(d)]));
  const snap = await db.collection(USAGE_COLLECTION).where('date', '>=', dates[0]!).where('date', '<=', dates.at(-1)!).get();
  for (const doc of snap.docs) {
    const day = usageDayDocSchema.parse(doc.data());
    const sum = byDate.get(day.date);
    if (!sum) continue;
    for (const k of ['jobs', 'submitted', 'input_tokens', 'cached_input_tokens', 'output_tokens', 'reasoning_output_tokens', 'total_tokens', 'cost_micro_usd', 'run_ms'] as const) sum[k] += day[k];
  }
  return [...byDate.values()];
}

function totalsOf(docs: UsageDayDoc[]): UsageReport['totals'] {
  const sum = EMPTY('');
  for (const d of docs) for (const k of ['jobs', 'input_tokens', 'cached_input_tokens', 'output_tokens', 'total_tokens', 'cost_micro_usd', 'run_ms'] as const) sum[k] += d[k];
  const { date: _date, ...totals } = usageDayFromDoc(sum);
  return totals;
}

/** The owner's quotas with today's and this month's counts (running jobs are not counted in tokens until they end). */
export async function quotaStatus(db: Firestore, quotas: Quotas, owner: string, now: Date, running?: number): Promise<UsageReport['quotas']> {
  const q = quotasFor(quotas, owner);
  if (Object.keys(q).length === 0) return {};
  const month = await ownerDays(db, owner, monthSoFar(now));
  const today = month.at(-1)!;
  const monthTokens = month.reduce((n, d) => n + d.total_tokens, 0);
  const status = (limit: number, used: number, resets?: Date) => ({ limit, used, remaining: Math.max(0, limit - used), ...(resets ? { resets_at: resets.toISOString() } : {}) });
  return {
    ...(q.tokens_per_day ? { tokens_per_day: status(q.tokens_per_day, today.total_tokens, nextUtcDay(now)) } : {}),
    ...(q.tokens_per_month ? { tokens_per_month: status(q.tokens_per_month, monthTokens, nextUtcMonth(now)) } : {}),
    ...(q.jobs_per_day ? { jobs_per_day: status(q.jobs_per_day, Math.max(today.submitted, today.jobs), nextUtcDay(now)) } : {}),
    ...(q.concurrent_jobs ? { concurrent_jobs: status(q.concurrent_jobs, running ?? 0) } : {}),
  };
}

export async function usageReport(db: Firestore, quotas: Quotas, owner: string, from: string, to: string, now = new Date()): Promise<UsageReport> {
  const dates = datesBetween(from, to);
  const docs = owner === '*' ? await allOwnersDays(db, dates) : await ownerDays(db, owner, dates);
  const days: UsageDay[] = docs.map(usageDayFromDoc);
  return { owner, days, totals: totalsOf(docs), quotas: owner === '*' ? {} : await quotaStatus(db, quotas, owner, now) };
}
