// callback_url at enqueue time: the same address rules the notifier applies at delivery. Callers run
// it only after the request is admitted (authenticated and within its rate limit), since it may
// wait on DNS; the wait is bounded by tuning.dnsLookupTimeoutMs.
import { addressPolicyFromConfig, assertCallbackAllowed, CallbackUrlError } from '../webhooks/address-policy.js';
import type { ApiDeps } from './api-deps.js';
import { ApiError } from './api-error.js';

export async function checkCallbackUrl(deps: ApiDeps, url: string): Promise<void> {
  try {
    await assertCallbackAllowed(url, addressPolicyFromConfig(deps.config), deps.resolveHost, { timeoutMs: deps.tuning.dnsLookupTimeoutMs });
  } catch (err) {
    if (!(err instanceof CallbackUrlError)) throw err;
    throw new ApiError('bad_request', err.message, [{ field: 'callback_url', message: err.message }]);
  }
}
