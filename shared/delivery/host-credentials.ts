// Which credentials reach a git host: the GitHub App's installation token for a GitHub repository
// the App is installed on (GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY), else GIT_CREDENTIALS' token for
// the host. The same credentials serve the clone, the push and the host's API. They are given as
// `host=token` entries, the form the processor's git takes them in (workspace/git-credentials.ts).
import type { Config } from '../config.js';
import { tokenFor } from '../workspace/git-credentials.js';
import { forgeOf, repositoryPath } from './delivery-config.js';
import { appConfigured, installationTokenFor } from './github-app.js';

export type CredentialConfig = Pick<Config, 'GIT_CREDENTIALS' | 'FORGE_HOSTS' | 'GITHUB_APP_ID' | 'GITHUB_APP_PRIVATE_KEY'>;

export interface HostCredentials {
  /** `host=token` entries for git (gitNetworkEnv) and for redaction. */
  credentials: string[];
  /** The token for the host's API, if any. */
  token?: string;
  source: 'app' | 'git_credentials' | 'none';
}

export async function hostCredentials(url: URL, config: CredentialConfig): Promise<HostCredentials> {
  const forge = forgeOf(url, config.FORGE_HOSTS);
  if (forge?.kind === 'github' && appConfigured(config)) {
    const installation = await installationTokenFor(config, forge.apiBaseUrl, repositoryPath(url));
    if (installation) return { credentials: [`${forge.host}=${installation.token}`], token: installation.token, source: 'app' };
  }
  const token = tokenFor(config.GIT_CREDENTIALS, url);
  if (!token) return { credentials: [], source: 'none' };
  // `user:password` entries: the API takes the password part as its token.
  return { credentials: config.GIT_CREDENTIALS, token: token.includes(':') ? token.slice(token.indexOf(':') + 1) : token, source: 'git_credentials' };
}

/**
 * The configuration a clone of `url` runs with: with a GitHub App installed on the repository, its
 * installation token first (GIT_CREDENTIALS still there for any other host). Without an App: as is.
 * An App that cannot give a token (GitHub unreachable) leaves GIT_CREDENTIALS to try.
 */
export async function cloneCredentials<C extends CredentialConfig>(gitUrl: string, config: C): Promise<C> {
  if (!appConfigured(config)) return config;
  let url: URL;
  try {
    url = new URL(gitUrl);
  } catch {
    return config; // the URL check of the clone names the problem
  }
  const found = await hostCredentials(url, config).catch(() => null);
  return found?.source === 'app' ? { ...config, GIT_CREDENTIALS: [...found.credentials, ...config.GIT_CREDENTIALS] } : config;
}
