// GitHub App installation tokens (GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY, @octokit/auth-app): the
// installation of a repository is looked up with the App's JWT, then a token of that installation
// is made. Both are cached per process, the token until shortly before it expires, so a busy
// processor asks GitHub once an hour per installation. Loaded lazily: only a delivery or a clone of
// a GitHub repository with an App configured needs it.
import type { Config } from '../config.js';
import { lazyPackage } from '../lazy-package.js';

/** A token is renewed this long before GitHub says it expires (a push or clone may take a while). */
const RENEW_BEFORE_MS = 5 * 60_000;

export interface InstallationToken {
  token: string;
  installationId: number;
  expiresAt: string;
}

/** Octokit logs to the console; the processor's logs are JSON lines of its own. */
export const SILENT = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

const installations = new Map<string, number | null>();
const tokens = new Map<string, InstallationToken>();

type AppConfig = Pick<Config, 'GITHUB_APP_ID' | 'GITHUB_APP_PRIVATE_KEY'>;

export function appConfigured(config: AppConfig): boolean {
  return config.GITHUB_APP_ID !== undefined && config.GITHUB_APP_PRIVATE_KEY !== undefined;
}

async function appAuth(config: AppConfig, apiBaseUrl: string) {
  const [{ createAppAuth }, { Octokit }] = await Promise.all([lazyPackage(() => import('@octokit/auth-app')), lazyPackage(() => import('@octokit/rest'))]);
  const { request } = new Octokit({ baseUrl: apiBaseUrl, log: SILENT });
  return { auth: createAppAuth({ appId: config.GITHUB_APP_ID!, privateKey: config.GITHUB_APP_PRIVATE_KEY!, request }), request };
}

/**
 * A token of the App's installation on `owner/repo`, or null when the App is not installed there
 * (the caller then uses GIT_CREDENTIALS). Other failures (a bad key, GitHub down) are thrown.
 */
export async function installationTokenFor(config: AppConfig, apiBaseUrl: string, fullName: string): Promise<InstallationToken | null> {
  const repoKey = `${apiBaseUrl}|${fullName.toLowerCase()}`;
  let installationId = installations.get(repoKey);
  if (installationId === undefined) {
    const { auth, request } = await appAuth(config, apiBaseUrl);
    const { token: jwt } = await auth({ type: 'app' });
    const [owner, repo] = fullName.split('/') as [string, string];
    try {
      const found = await request('GET /repos/{owner}/{repo}/installation', { owner, repo, headers: { authorization: `bearer ${jwt}` } });
      installationId = found.data.id;
    } catch (err) {
      if ((err as { status?: number }).status !== 404) throw err;
      installationId = null;
    }
    installations.set(repoKey, installationId);
  }
  if (installationId === null) return null;
  const tokenKey = `${apiBaseUrl}|${installationId}`;
  const cached = tokens.get(tokenKey);
  if (cached && Date.parse(cached.expiresAt) - RENEW_BEFORE_MS > Date.now()) return cached;
  const { auth } = await appAuth(config, apiBaseUrl);
  const made = await auth({ type: 'installation', installationId, refresh: true });
  const token: InstallationToken = { token: made.token, installationId, expiresAt: made.expiresAt };
  tokens.set(tokenKey, token);
  return token;
}

/** Tests: forget every cached installation and token. */
export function forgetInstallationTokens(): void {
  installations.clear();
  tokens.clear();
}
