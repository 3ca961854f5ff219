// The API's side of the submit quotas: QuotaExceeded → 429 quota_exceeded with Retry-After to the
// start of the next UTC period and a detail naming the quota.
import { admitNewJob, QuotaExceeded } from '../usage/submit-quota.js';
import { ApiError } from './api-error.js';
import type { ApiDeps } from './api-deps.js';

export async function checkSubmitQuota(deps: Pick<ApiDeps, 'firestore' | 'config'>, owner: string): Promise<void> {
  try {
    await admitNewJob(deps.firestore, deps.config.QUOTAS, owner);
  } catch (err) {
    if (!(err instanceof QuotaExceeded)) throw err;
    throw new ApiError('quota_exceeded', err.message, [{ field: err.quota, message: `${err.used} of ${err.limit} used; resets at ${err.resetsAt.toISOString()}` }], { 'retry-after': String(err.retryAfterSeconds()) });
  }
}
