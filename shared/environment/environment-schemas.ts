// The shapes around an EnvironmentSpec once it is stored (browser-safe: zod only):
// - the API's view of an owner's environment (secrets by name only);
// - the copy a job keeps of the spec it runs with (secrets by name only; the sealed values beside it
//   in the job's internal `environment_secrets`), so a later PUT does not change a queued job;
// - result.setup, what the setup phase did.
import { z } from 'zod';
import { environmentNameSchema, environmentSpecSchema, type EnvironmentSpec } from './environment-spec.js';

/** At most this many environments per owner (a PUT of one more is a 409). */
export const MAX_ENVIRONMENTS_PER_OWNER = 100;

const specWithoutSecrets = environmentSpecSchema.omit({ secrets: true });
const secretNames = z.array(z.string()).describe('the names of the secrets (their values are write-only)');

/** GET/PUT /environments/{name}: the environment as its owner sees it. */
export const environmentViewSchema = specWithoutSecrets.extend({
  name: environmentNameSchema,
  secrets: secretNames,
  created_at: z.string(),
  updated_at: z.string(),
});
export type EnvironmentView = z.output<typeof environmentViewSchema>;

/** GET /environments. */
export const environmentListSchema = z.strictObject({ environments: z.array(environmentViewSchema) });

/** A job's copy of its environment: `name` null for an inline one. */
export const jobEnvironmentSchema = specWithoutSecrets.extend({
  name: environmentNameSchema.nullable(),
  secrets: secretNames,
});
export type JobEnvironment = z.output<typeof jobEnvironmentSchema>;

/** The spec with its secrets' values dropped (names kept, sorted). */
export function specWithSecretNames(spec: EnvironmentSpec): Omit<EnvironmentSpec, 'secrets'> & { secrets: string[] } {
  const { secrets, ...rest } = spec;
  return { ...rest, secrets: Object.keys(secrets).sort() };
}

export function jobEnvironmentOf(spec: EnvironmentSpec, name: string | null): JobEnvironment {
  return { name, ...specWithSecretNames(spec) };
}

export const SETUP_CACHE_OUTCOMES = ['hit', 'miss', 'saved', 'none'] as const;
/** result.setup: whether the cache was used, and how setup (or maintenance) ended. */
export const setupResultSchema = z.object({
  cache: z.enum(SETUP_CACHE_OUTCOMES),
  /** null when no script ran (a hit without maintenance). */
  exit_code: z.number().int().nullable(),
  duration_ms: z.number().int().nonnegative(),
});
export type SetupResult = z.infer<typeof setupResultSchema>;
