// GITHUB_REPOS: which API key owns the jobs of a repository. `owner/repo=keyname` pairs, `owner/*`
// for every repository of an owner. GitHub names are case-insensitive, so matching is too; an exact
// repository entry wins over its owner's wildcard.
import { z } from 'zod';

export interface RepoMapping {
  /** As written: `owner/repo` or `owner/*`. */
  pattern: string;
  owner: string;
  /** A repository name, or `*`. */
  repo: string;
  /** The API key name that owns the jobs. */
  key: string;
}

// GitHub owner logins: letters, digits, hyphens; repository names add `.` and `_`.
const ENTRY = /^([A-Za-z0-9][A-Za-z0-9-]{0,38})\/(\*|[A-Za-z0-9._-]{1,100})=([A-Za-z0-9_.-]{1,64})$/;

const entrySchema = z.string().transform((entry, ctx): RepoMapping => {
  const m = ENTRY.exec(entry);
  if (!m) {
    ctx.addIssue({ code: 'custom', message: `"${entry.slice(0, 200)}": each entry must be owner/repo=keyname or owner/*=keyname` });
    return z.NEVER;
  }
  return { pattern: `${m[1]}/${m[2]}`, owner: m[1]!.toLowerCase(), repo: m[2]!.toLowerCase(), key: m[3]! };
});

export const githubReposSchema = z.array(entrySchema);

/** The mapping that applies to `owner/repo` (a repository's full_name), or undefined when none does. */
export function mappingFor(mappings: readonly RepoMapping[], fullName: string): RepoMapping | undefined {
  const [owner, repo] = fullName.toLowerCase().split('/');
  if (!owner || !repo) return undefined;
  return mappings.find((m) => m.owner === owner && m.repo === repo) ?? mappings.find((m) => m.owner === owner && m.repo === '*');
}
