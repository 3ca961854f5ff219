// Secrets at rest: AES-256-GCM (node:crypto) with ENV_SECRETS_KEY. Every value gets its own random
// 12-byte IV and is bound to its name (additional authenticated data), so values cannot be swapped
// between names or altered unnoticed. ENV_SECRETS_KEY is a comma-separated list of 32-byte keys
// (64 hex digits, or base64): the first seals, any of them opens — rotation adds a new key in front.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { SEALED_SECRETS_VERSION, type SealedSecrets } from './sealed-secrets-schemas.js';

export const SECRETS_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const aad = (name: string) => Buffer.from(`codex-jobs/environment-secret/v1/${name}`, 'utf8');

export interface SecretsKey {
  id: string;
  key: Buffer;
}
/** The keys of ENV_SECRETS_KEY, the sealing one first. */
export type SecretsKeyring = readonly SecretsKey[];

/** Thrown when secrets cannot be sealed or opened (no key, an unknown key id, altered values). */
export class SecretsError extends Error {
  override name = 'SecretsError';
}

/** One key: 64 hex digits, or base64 (standard or url-safe) of exactly 32 bytes; undefined when neither. */
export function decodeSecretsKey(text: string): Buffer | undefined {
  const s = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(s)) return Buffer.from(s, 'hex');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(s)) return undefined;
  const bytes = Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.length === SECRETS_KEY_BYTES ? bytes : undefined;
}

export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** The keyring of an ENV_SECRETS_KEY value (validated by shared/config.ts); undefined when unset. */
export function secretsKeyring(value: string | undefined): SecretsKeyring | undefined {
  if (!value || !value.trim()) return undefined;
  return value
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((text) => {
      const key = decodeSecretsKey(text);
      if (!key) throw new SecretsError('ENV_SECRETS_KEY holds a value that is not a 32-byte key (64 hex digits or base64)');
      return { id: keyId(key), key };
    });
}

function keyringOf(keys: string | SecretsKeyring | undefined): SecretsKeyring | undefined {
  return typeof keys === 'string' || keys === undefined ? secretsKeyring(keys) : keys;
}

/** Seals each value with the first key; null for no secrets (nothing to store). */
export function sealSecrets(values: Record<string, string>, keys: string | SecretsKeyring | undefined): SealedSecrets | null {
  const names = Object.keys(values);
  if (names.length === 0) return null;
  const ring = keyringOf(keys);
  if (!ring?.length) throw new SecretsError('secrets cannot be stored: this server has no ENV_SECRETS_KEY configured');
  const { id, key } = ring[0]!;
  const sealed: Record<string, string> = {};
  for (const name of names) {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(name));
    const body = Buffer.concat([cipher.update(values[name]!, 'utf8'), cipher.final()]);
    sealed[name] = [iv, body, cipher.getAuthTag()].map((b) => b.toString('base64url')).join('.');
  }
  return { v: SEALED_SECRETS_VERSION, alg: 'A256GCM', kid: id, values: sealed };
}

/**
 * The processor's side: the secrets' values, by name. `sealed` is a job's `environment_secrets`
 * (null/undefined: no secrets, `{}`); `keys` is config.ENV_SECRETS_KEY (or a parsed keyring).
 * Throws SecretsError, naming no value, when the key is missing or unknown or a value was altered.
 */
export function decryptSecrets(sealed: SealedSecrets | null | undefined, keys: string | SecretsKeyring | undefined): Record<string, string> {
  if (!sealed || Object.keys(sealed.values).length === 0) return {};
  const ring = keyringOf(keys);
  if (!ring?.length) throw new SecretsError('the environment has secrets but this server has no ENV_SECRETS_KEY configured');
  const found = ring.find((k) => k.id === sealed.kid);
  if (!found) throw new SecretsError(`the environment's secrets were sealed with key ${sealed.kid}, which ENV_SECRETS_KEY no longer holds`);
  const values: Record<string, string> = {};
  for (const [name, text] of Object.entries(sealed.values)) {
    const parts = text.split('.');
    if (parts.length !== 3) throw new SecretsError(`secret ${name} is not a sealed value`);
    const [iv, body, tag] = parts.map((p) => Buffer.from(p, 'base64url')) as [Buffer, Buffer, Buffer];
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretsError(`secret ${name} is not a sealed value`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', found.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad(name));
      decipher.setAuthTag(tag);
      values[name] = Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretsError(`secret ${name} could not be opened (altered, or sealed under another name)`);
    }
  }
  return values;
}
