// The usage collection's shape: one document per owner and UTC day, `usage/{sha256(owner)}_{YYYY-MM-DD}`,
// holding integer counters (cost in micro-USD, run time in ms) so increments never drift as floats do.
import { createHash } from 'node:crypto';
import { z } from 'zod';

export const USAGE_COLLECTION = 'usage';
/** One marker per counted job (`usage_records/{job_id}`): what makes counting exactly once. */
export const USAGE_RECORDS_COLLECTION = 'usage_records';
/** How long a day's counters are kept before the TTL policy may drop them (a year and a bit for monthly views). */
export const USAGE_DAY_TTL_DAYS = 400;

export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export function ownerKey(owner: string): string {
  return createHash('sha256').update(owner).digest('hex');
}

export function usageDayId(owner: string, date: string): string {
  return `${ownerKey(owner)}_${date}`;
}

/** The UTC day of an ISO time (or a Date). */
export function utcDate(at: string | Date): string {
  return (typeof at === 'string' ? new Date(at) : at).toISOString().slice(0, 10);
}

export const usageDayDocSchema = z.object({
  owner: z.string(),
  date: z.string(),
  month: z.string(),
  jobs: z.number().int().default(0),
  /** Jobs accepted at submit this day (jobs_per_day counts these, not the ended ones). */
  submitted: z.number().int().default(0),
  input_tokens: z.number().int().default(0),
  cached_input_tokens: z.number().int().default(0),
  output_tokens: z.number().int().default(0),
  reasoning_output_tokens: z.number().int().default(0),
  total_tokens: z.number().int().default(0),
  cost_micro_usd: z.number().int().default(0),
  run_ms: z.number().int().default(0),
});
export type UsageDayDoc = z.infer<typeof usageDayDocSchema>;

/** A day as GET /usage shows it. */
export const usageDaySchema = z.object({
  date: z.string(),
  jobs: z.number().int(),
  input_tokens: z.number().int(),
  cached_input_tokens: z.number().int(),
  output_tokens: z.number().int(),
  total_tokens: z.number().int(),
  cost_usd: z.number(),
  run_seconds: z.number(),
});
export type UsageDay = z.infer<typeof usageDaySchema>;

export function usageDayFromDoc(doc: UsageDayDoc): UsageDay {
  return {
    date: doc.date,
    jobs: doc.jobs,
    input_tokens: doc.input_tokens,
    cached_input_tokens: doc.cached_input_tokens,
    output_tokens: doc.output_tokens,
    total_tokens: doc.total_tokens,
    cost_usd: doc.cost_micro_usd / 1e6,
    run_seconds: Math.round(doc.run_ms) / 1000,
  };
}
