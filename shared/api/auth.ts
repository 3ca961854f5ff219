// API keys: X-API-Key is hashed and compared with every configured key hash in constant time.
// The key's name is the caller's identity (the job owner); ADMIN_KEYS names see every job.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config.js';
import { ApiError } from './api-error.js';

export interface Caller {
  name: string;
  admin: boolean;
}

export function authenticate(config: Pick<Config, 'API_KEYS' | 'ADMIN_KEYS'>, header: string | undefined): Caller {
  if (!header) throw new ApiError('unauthorized', 'missing X-API-Key header');
  const presented = createHash('sha256').update(header).digest();
  let match: string | undefined;
  // Compare against every key (no early exit), so timing does not reveal which entry matched.
  for (const key of config.API_KEYS) {
    if (timingSafeEqual(presented, Buffer.from(key.sha256, 'hex')) && match === undefined) match = key.name;
  }
  if (match === undefined) throw new ApiError('unauthorized', 'invalid API key');
  return { name: match, admin: config.ADMIN_KEYS.includes(match) };
}

/** Whether the caller may see the job: its owner, or an admin. */
export function canSee(caller: Caller, owner: string): boolean {
  return caller.admin || caller.name === owner;
}
