// EnvironmentSpec: what a job's commands can use (setup script, cache, env, secrets, network policy).
// One schema for PUT /environments/{name} and for an inline `environment` on a job (contract v4).
import { z } from 'zod';

export const ENVIRONMENT_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const environmentNameSchema = z.string().regex(ENVIRONMENT_NAME_PATTERN, 'an environment name matches [a-z0-9][a-z0-9-]{0,62}');

export const MAX_SETUP_CHARS = 65_536;
export const MAX_ENV_VARS = 64;
export const MAX_SECRETS = 32;

/** The preset that names the public package registries and code hosts (listed in network-presets.ts). */
export const COMMON_DEPENDENCIES = '@common-dependencies';

// A host name, a `*.` wildcard of one, or the preset. IPs are allowed as hosts (NETWORK_PRIVATE_ALLOWLIST still decides private ones).
const ALLOW_ENTRY = /^(@common-dependencies|(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*|[0-9a-fA-F:.]+)$/;
const allowEntrySchema = z
  .string()
  .min(1)
  .max(253)
  .refine((s) => ALLOW_ENTRY.test(s), {
    error: `an allow entry is a host name, a *. wildcard (*.example.com) or ${COMMON_DEPENDENCIES}`,
  })
  // The OpenAPI document states the same rule (a refine is not carried over by itself).
  .meta({ pattern: ALLOW_ENTRY.source });

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT'] as const;

export const networkPolicySchema = z.union([
  z.literal('off'),
  z.literal('on'),
  z.strictObject({
    allow: z.array(allowEntrySchema).max(256, 'allow holds at most 256 entries'),
    methods: z.array(z.enum(HTTP_METHODS)).min(1).optional(),
  }),
]);
export type NetworkPolicy = z.infer<typeof networkPolicySchema>;

const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const envVarNameSchema = z.string().regex(ENV_VAR_NAME, 'a variable name matches [A-Za-z_][A-Za-z0-9_]*');
// The OpenAPI document says which names a map takes (a record's key rule is not carried over by itself).
const namesMeta = (max: number) => ({ propertyNames: { pattern: ENV_VAR_NAME.source }, maxProperties: max });
const cachePathSchema = z
  .string()
  .min(1)
  .max(1024)
  .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), { error: 'a cache path is relative to the workspace and never uses ..' });

export const environmentSpecSchema = z.strictObject({
  setup: z.string().max(MAX_SETUP_CHARS, `setup is at most ${MAX_SETUP_CHARS} characters`).default(''),
  maintenance: z.string().max(MAX_SETUP_CHARS, `maintenance is at most ${MAX_SETUP_CHARS} characters`).optional(),
  cache: z
    .strictObject({
      paths: z.array(cachePathSchema).min(1).max(32),
      key_files: z.array(cachePathSchema).max(32).default([]),
    })
    .optional(),
  env: z
    .record(envVarNameSchema, z.string().max(32_768))
    .refine((m) => Object.keys(m).length <= MAX_ENV_VARS, `env holds at most ${MAX_ENV_VARS} variables`)
    .meta(namesMeta(MAX_ENV_VARS))
    .default({}),
  secrets: z
    .record(envVarNameSchema, z.string().min(1).max(32_768))
    .refine((m) => Object.keys(m).length <= MAX_SECRETS, `secrets holds at most ${MAX_SECRETS} values`)
    .meta(namesMeta(MAX_SECRETS))
    .default({}),
  network: z
    .strictObject({
      setup: networkPolicySchema.optional(),
      agent: networkPolicySchema.optional(),
    })
    .default({}),
});
export type EnvironmentSpec = z.output<typeof environmentSpecSchema>;
export type EnvironmentSpecInput = z.input<typeof environmentSpecSchema>;

/** The network policy of a phase, with the contract's defaults: setup "on", agent "off". */
export function phasePolicy(spec: Pick<EnvironmentSpec, 'network'>, phase: 'setup' | 'agent'): NetworkPolicy {
  return spec.network[phase] ?? (phase === 'setup' ? 'on' : 'off');
}
