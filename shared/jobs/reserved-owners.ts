// Owner names the system uses for its own jobs: bucket drops (`storage`), schedules (`scheduler`)
// and anything `system*`. An API key with one of these names would own those jobs, so API_KEYS
// may not name them (compared case-insensitively, so `Storage` is refused too).
export const RESERVED_OWNER_NAMES = ['storage', 'scheduler'] as const;
export const RESERVED_OWNER_PREFIX = 'system';

export function isReservedOwnerName(name: string): boolean {
  const lower = name.toLowerCase();
  return (RESERVED_OWNER_NAMES as readonly string[]).includes(lower) || lower.startsWith(RESERVED_OWNER_PREFIX);
}
