// A git URL passes the callback address rules (address-policy.ts), with GIT_ALLOWLIST and
// ALLOW_INSECURE_GIT in place of CALLBACK_ALLOWLIST and ALLOW_INSECURE_CALLBACKS. The checked
// addresses are what git then connects to (http.curloptResolve), so DNS cannot change in between.
import type { Config } from '../config.js';
import { assertCallbackAllowed, CallbackUrlError, type CheckOptions } from '../webhooks/address-policy.js';

export class GitUrlError extends Error {
  override name = 'GitUrlError';
}

export interface CheckedGitUrl {
  url: URL;
  addresses: string[];
}

export async function checkGitUrl(
  url: string,
  config: Pick<Config, 'GIT_ALLOWLIST' | 'ALLOW_INSECURE_GIT'>,
  resolve?: (host: string) => Promise<string[]>,
  options: CheckOptions = {},
): Promise<CheckedGitUrl> {
  try {
    return await assertCallbackAllowed(url, { allowInsecure: config.ALLOW_INSECURE_GIT, allowlist: config.GIT_ALLOWLIST }, resolve, options);
  } catch (err) {
    if (!(err instanceof CallbackUrlError)) throw err;
    const message = err.message
      .replace(/^callback_url/, 'workspace.git.url')
      .replace('CALLBACK_ALLOWLIST', 'GIT_ALLOWLIST')
      .replace('ALLOW_INSECURE_CALLBACKS', 'ALLOW_INSECURE_GIT')
      .replace('; deliveries are signed instead', '; use GIT_CREDENTIALS for private repositories');
    throw new GitUrlError(message);
  }
}
