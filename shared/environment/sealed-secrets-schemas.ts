// The stored form of an environment's secrets (browser-safe: zod only, so the job document schema
// can hold it). Each value is sealed on its own with AES-256-GCM (secret-box.ts); `kid` names the key
// of ENV_SECRETS_KEY that sealed them, so a key can be rotated without losing what the old one sealed.
import { z } from 'zod';

export const SEALED_SECRETS_VERSION = 1;

export const sealedSecretsSchema = z.strictObject({
  v: z.literal(SEALED_SECRETS_VERSION),
  alg: z.literal('A256GCM'),
  /** The first 16 hex digits of sha256(key): which key of ENV_SECRETS_KEY opens these values. */
  kid: z.string().regex(/^[0-9a-f]{16}$/),
  /** name → `iv.ciphertext.tag`, each part base64url; the name is the additional authenticated data. */
  values: z.record(z.string(), z.string()),
});
export type SealedSecrets = z.infer<typeof sealedSecretsSchema>;
