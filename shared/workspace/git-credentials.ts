// GIT_CREDENTIALS (`host=token` pairs, a secret) → the configuration of one git process: an
// Authorization header for that host only, given through GIT_CONFIG_* environment variables of
// that process (never a command-line argument, never a file, never .git/config).
import type { CheckedGitUrl } from './git-url-policy.js';

/** The token for the URL's host (`host` or `host:port` entries), or undefined. */
export function tokenFor(credentials: string[], url: URL): string | undefined {
  const withPort = url.port ? `${url.hostname}:${url.port}` : url.hostname;
  for (const entry of credentials) {
    const i = entry.indexOf('=');
    const host = entry.slice(0, i).toLowerCase();
    if (host === withPort.toLowerCase() || (!host.includes(':') && host === url.hostname.toLowerCase())) return entry.slice(i + 1);
  }
  return undefined;
}

/** `user:password` as given, else the token as the password of `x-access-token` (GitHub, GitLab, Gitea accept it). */
export function authorizationHeader(token: string): string {
  const pair = token.includes(':') ? token : `x-access-token:${token}`;
  return `Authorization: Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
}

/** GIT_CONFIG_COUNT/KEY_n/VALUE_n for one process: pinned addresses, no redirects, and the header scoped to the URL's origin. */
export function gitNetworkEnv(checked: CheckedGitUrl, credentials: string[]): Record<string, string> {
  const { url, addresses } = checked;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const entries: [string, string][] = [['http.followRedirects', 'false']];
  // An IP literal needs no pinning; a name is pinned to the addresses that were checked.
  if (!addresses.includes(host)) entries.push(['http.curloptResolve', `${host}:${port}:${addresses.map((a) => (a.includes(':') ? `[${a}]` : a)).join(',')}`]);
  const token = tokenFor(credentials, url);
  if (token) entries.push([`http.${url.origin}/.extraHeader`, authorizationHeader(token)]);
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(entries.length) };
  entries.forEach(([k, v], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = k;
    env[`GIT_CONFIG_VALUE_${i}`] = v;
  });
  return env;
}

/** Removes any credential from a text (git's messages) before it is shown or stored. */
export function redactCredentials(text: string, credentials: string[]): string {
  let out = text;
  for (const entry of credentials) {
    const token = entry.slice(entry.indexOf('=') + 1);
    for (const secret of [token, authorizationHeader(token).slice('Authorization: Basic '.length)]) if (secret) out = out.split(secret).join('***');
  }
  return out;
}
