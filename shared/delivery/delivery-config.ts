// The delivery variables (FORGE_HOSTS, GIT_AUTHOR, GITHUB_APP_PRIVATE_KEY) and what a git URL's host
// is: a GitHub, a GitLab or a Gitea/Forgejo, and where its API is. Kept light: config.ts imports it in every function.
import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';

export const FORGE_KINDS = ['github', 'gitlab', 'gitea'] as const;
export type ForgeKind = (typeof FORGE_KINDS)[number];

export interface ForgeHost {
  /** host or host:port of the git URLs, lower case. */
  host: string;
  kind: ForgeKind;
  /** The API's base URL (GitHub: https://api.github.com or https://ghes/api/v3; GitLab: https://gitlab/api/v4; Gitea: https://gitea/api/v1). */
  api_base_url?: string;
}

const FORGE_HOST_ENTRY = /^([A-Za-z0-9.-]+(?::\d+)?)=(github|gitlab|gitea)(?:@(\S+))?$/;

/** FORGE_HOSTS: comma-separated `host=kind` or `host=kind@api_base_url`. */
export const forgeHostsSchema = z.string().transform((value, ctx): ForgeHost[] => {
  const out: ForgeHost[] = [];
  for (const entry of value.split(/[\s,]+/).filter(Boolean)) {
    const m = FORGE_HOST_ENTRY.exec(entry);
    const api = m?.[3];
    if (!m || (api !== undefined && !isHttpUrl(api))) {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(entry)}: each entry must be host=github|gitlab|gitea or host=kind@https://api-base-url` });
      return z.NEVER;
    }
    out.push({ host: m[1]!.toLowerCase(), kind: m[2] as ForgeKind, ...(api ? { api_base_url: api.replace(/\/+$/, '') } : {}) });
  }
  return out;
});

function isHttpUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

export interface GitAuthor {
  name: string;
  email: string;
}

/** `codex-jobs <codex-jobs@localhost>` */
export const DEFAULT_GIT_AUTHOR: GitAuthor = { name: 'codex-jobs', email: 'codex-jobs@localhost' };

/** GIT_AUTHOR: `Name <email>`. */
export const gitAuthorSchema = z.string().transform((value, ctx): GitAuthor => {
  const m = /^([^<>\n]+?)\s*<([^<>\s]+@[^<>\s]+)>$/.exec(value.trim());
  if (!m) {
    ctx.addIssue({ code: 'custom', message: 'expected "Name <email>"' });
    return z.NEVER;
  }
  return { name: m[1]!, email: m[2]! };
});

/** GITHUB_APP_PRIVATE_KEY: a PEM key; `\n` escapes (as a one-line variable holds it) become newlines. */
export const githubAppPrivateKeySchema = z.string().transform((value, ctx) => {
  const pem = value.includes('\n') ? value : value.replace(/\\n/g, '\n');
  try {
    createPrivateKey(pem);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'expected a PEM private key (the .pem file GitHub gave for the App)' });
    return z.NEVER;
  }
  return pem;
});

export interface Forge {
  kind: ForgeKind;
  /** host[:port] of the git URL. */
  host: string;
  apiBaseUrl: string;
}

const KNOWN: Record<string, Omit<Forge, 'host'>> = {
  'github.com': { kind: 'github', apiBaseUrl: 'https://api.github.com' },
  'gitlab.com': { kind: 'gitlab', apiBaseUrl: 'https://gitlab.com/api/v4' },
};

const DEFAULT_API_PATH: Record<ForgeKind, string> = { github: '/api/v3', gitlab: '/api/v4', gitea: '/api/v1' };

/** The forge a git URL is on, or undefined (a host FORGE_HOSTS does not name: push only). */
export function forgeOf(gitUrl: URL, hosts: ForgeHost[]): Forge | undefined {
  const host = (gitUrl.port ? `${gitUrl.hostname}:${gitUrl.port}` : gitUrl.hostname).toLowerCase();
  const named = hosts.find((h) => h.host === host) ?? hosts.find((h) => !h.host.includes(':') && h.host === gitUrl.hostname.toLowerCase());
  if (named) {
    return { kind: named.kind, host, apiBaseUrl: named.api_base_url ?? `${gitUrl.protocol}//${host}${DEFAULT_API_PATH[named.kind]}` };
  }
  const known = KNOWN[host];
  return known ? { ...known, host } : undefined;
}

/** `owner/repo` (GitHub, Gitea) or `group/sub/project` (GitLab) of a git URL: its path without `.git`. */
export function repositoryPath(gitUrl: URL): string {
  return decodeURIComponent(gitUrl.pathname).replace(/^\/+/, '').replace(/\.git\/?$/, '').replace(/\/+$/, '');
}
