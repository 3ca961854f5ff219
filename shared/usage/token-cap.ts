// A job's max_total_tokens capped, when it starts, at what remains of its owner's token quotas, so
// jobs running at once cannot together spend far past the quota (each stops at the remainder seen
// at its start). The processor calls this once after its claim and before the turn.
import type { Firestore } from '@google-cloud/firestore';
import type { JobDocument } from '../jobs/job-document.js';
import type { Quotas } from './quotas.js';
import { tokensRemaining } from './submit-quota.js';

export interface TokenCap {
  /** The budget the turn runs under (null: no limit). */
  max_total_tokens: number | null;
  /** Set when the quota lowered (or set) the job's own budget: recorded on the job as max_total_tokens_capped. */
  capped_by_quota?: { remaining: number; requested: number | null };
  /** Nothing remains (the quota was used up after the job was admitted): end it failed naming the quota, do not run it. */
  exhausted?: boolean;
}

/** The cap as a pure rule: the lower of the job's own budget and the remainder. */
export function capTokens(requested: number | null, remaining: number | undefined): TokenCap {
  if (remaining === undefined || (requested !== null && requested <= remaining)) return { max_total_tokens: requested };
  return { max_total_tokens: remaining, capped_by_quota: { remaining, requested }, ...(remaining <= 0 ? { exhausted: true } : {}) };
}

export async function tokenCapAtStart(db: Firestore, quotas: Quotas, job: Pick<JobDocument, 'owner' | 'max_total_tokens'>, now = new Date()): Promise<TokenCap> {
  return capTokens(job.max_total_tokens ?? null, await tokensRemaining(db, quotas, job.owner, now));
}
