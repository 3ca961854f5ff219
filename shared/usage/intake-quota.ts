// The quota check of jobs with no HTTP caller to answer 429 (bucket drops, schedules): over a quota
// the job is recorded failed with bad_request naming the quota, so whoever dropped the file sees why.
import type { Firestore } from '@google-cloud/firestore';
import type { JobSpec } from '../jobs/job-document.js';
import type { JobStore } from '../store/job-store.js';
import type { Quotas } from './quotas.js';
import { admitNewJob, QuotaExceeded } from './submit-quota.js';

/** The refusal message, or null when the job may be made (or already was: a redelivered event). */
export async function intakeQuotaRefusal(db: Firestore | undefined, quotas: Quotas, store: Pick<JobStore, 'get'>, spec: Pick<JobSpec, 'job_id' | 'owner'>): Promise<string | null> {
  if (!db || quotas.size === 0) return null;
  if (await store.get(spec.job_id)) return null; // counted, or refused, the first time
  try {
    await admitNewJob(db, quotas, spec.owner);
    return null;
  } catch (err) {
    if (!(err instanceof QuotaExceeded)) throw err;
    return `the owner "${spec.owner}" is over its ${err.quota} quota: ${err.message}`;
  }
}
