// GET /usage?from=&to=&owner=: the caller's usage per UTC day and their quotas; admins may name an
// owner or `*` (every owner). Dates are YYYY-MM-DD; default: the last 30 days up to today.
import { z } from 'zod';
import { describeIssues } from '../../jobs/job-request.js';
import { DATE_PATTERN } from '../../usage/usage-day.js';
import { daysBefore } from '../../usage/usage-periods.js';
import { usageReport } from '../../usage/usage-report.js';
import { ApiError } from '../api-error.js';
import { queryOf } from '../query.js';
import type { Route, RouteContext } from '../router.js';

export const MAX_USAGE_DAYS = 366;

const date = z
  .string()
  .regex(DATE_PATTERN, 'expected a date YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'not a calendar date')
  .meta({ format: 'date' });

export const usageQuerySchema = z
  .strictObject({
    from: date.optional().describe('first UTC day (default: 29 days before `to`)'),
    to: date.optional().describe('last UTC day, included (default: today)'),
    owner: z.string().min(1).max(128).optional().describe('admins: a key name, or * for every owner'),
  })
  .transform((q, ctx) => {
    const to = q.to ?? new Date().toISOString().slice(0, 10);
    const from = q.from ?? daysBefore(to, 29);
    if (from > to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'from is after to' });
    else if (Date.parse(to) - Date.parse(from) >= MAX_USAGE_DAYS * 86_400_000) ctx.addIssue({ code: 'custom', path: ['from'], message: `at most ${MAX_USAGE_DAYS} days at once` });
    return { from, to, owner: q.owner };
  });

async function usage(ctx: RouteContext): Promise<void> {
  const parsed = usageQuerySchema.safeParse(queryOf(ctx.req));
  if (!parsed.success) {
    const details = describeIssues(parsed.error).map((d) => ({ ...d, field: `query.${d.field}` }));
    throw new ApiError('bad_request', `invalid query: ${details.map((d) => d.message).join('; ')}`, details);
  }
  const { from, to } = parsed.data;
  const owner = parsed.data.owner ?? ctx.caller.name;
  if (owner !== ctx.caller.name && !ctx.caller.admin) throw new ApiError('forbidden', "only an admin key may read another owner's usage");
  await ctx.send(200, await usageReport(ctx.deps.firestore, ctx.deps.config.QUOTAS, owner, from, to));
}

export const usageRoutes: Route[] = [{ method: 'GET', path: '/usage', handle: usage }];
