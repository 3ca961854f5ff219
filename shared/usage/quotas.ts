// QUOTAS: per key limits, `name:key=value,...;name2:...`, `*` = every key without its own entry.
// Keys: tokens_per_day, tokens_per_month, jobs_per_day, concurrent_jobs (positive integers).
import { z } from 'zod';

export const QUOTA_KEYS = ['tokens_per_day', 'tokens_per_month', 'jobs_per_day', 'concurrent_jobs'] as const;
export type QuotaKey = (typeof QUOTA_KEYS)[number];
export type OwnerQuotas = Partial<Record<QuotaKey, number>>;
export type Quotas = ReadonlyMap<string, OwnerQuotas>;

export const EVERY_KEY = '*';
const NAME = /^([A-Za-z0-9_.-]{1,64}|\*)$/;

export const quotasSchema = z.string().transform((text, ctx): Quotas => {
  const table = new Map<string, OwnerQuotas>();
  const fail = (message: string) => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  for (const raw of text.split(';')) {
    const entry = raw.trim();
    if (!entry) continue;
    const idx = entry.indexOf(':');
    const name = idx > 0 ? entry.slice(0, idx).trim() : '';
    if (!NAME.test(name)) return fail(`"${entry}" is not name:key=value,... (name is a key name or *)`);
    if (table.has(name)) return fail(`"${name}" has two entries`);
    const quotas: OwnerQuotas = {};
    for (const pair of entry.slice(idx + 1).split(',')) {
      const m = /^\s*([a-z_]+)\s*=\s*(\d{1,15})\s*$/.exec(pair);
      if (!m) return fail(`"${name}": "${pair.trim()}" is not key=value with a whole number`);
      const key = m[1] as QuotaKey;
      if (!QUOTA_KEYS.includes(key)) return fail(`"${name}": unknown quota "${m[1]}" (one of ${QUOTA_KEYS.join(', ')})`);
      if (quotas[key] !== undefined) return fail(`"${name}": ${key} is set twice`);
      const value = Number(m[2]);
      if (value < 1) return fail(`"${name}": ${key} must be at least 1`);
      quotas[key] = value;
    }
    table.set(name, quotas);
  }
  return table;
});

/** The owner's own quotas, else the `*` entry's, else none. */
export function quotasFor(quotas: Quotas, owner: string): OwnerQuotas {
  return quotas.get(owner) ?? quotas.get(EVERY_KEY) ?? {};
}
