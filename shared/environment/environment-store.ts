// Where an owner's environments live: one document per (owner, name) in the `environments`
// collection. The id is derived from sha256(owner) and the name, so no owner name appears in an id;
// every read is scoped to its owner, and another owner's environment is simply not found.
import { createHash } from 'node:crypto';
import type { EnvironmentSpec } from './environment-spec.js';
import type { SealedSecrets } from './sealed-secrets-schemas.js';

export const ENVIRONMENTS_COLLECTION = 'environments';

export function ownerHash(owner: string): string {
  return createHash('sha256').update(owner, 'utf8').digest('hex');
}

/** `{sha256(owner)}.{name}`: names match [a-z0-9-], so the dot cannot be part of either half. */
export function environmentDocId(owner: string, name: string): string {
  return `${ownerHash(owner)}.${name}`;
}

/** The spec as stored: its secrets by name only (their values are in `sealed_secrets`). */
export type StoredSpec = Omit<EnvironmentSpec, 'secrets'> & { secrets: string[] };

export interface StoredEnvironment {
  owner: string;
  name: string;
  spec: StoredSpec;
  sealed_secrets: SealedSecrets | null;
  created_at: string;
  updated_at: string;
}

export type PutOutcome = { outcome: 'created' | 'replaced'; environment: StoredEnvironment } | { outcome: 'too_many'; limit: number };

export interface EnvironmentStore {
  /** Creates or replaces (keeping created_at); refuses a new one past the owner's limit. */
  put(owner: string, name: string, spec: StoredSpec, sealed: SealedSecrets | null): Promise<PutOutcome>;
  get(owner: string, name: string): Promise<StoredEnvironment | null>;
  /** The owner's environments, by name. */
  list(owner: string): Promise<StoredEnvironment[]>;
  /** false when there was none. */
  delete(owner: string, name: string): Promise<boolean>;
}
