// All configuration comes from environment variables, parsed and validated once per process.
// A bad value stops start-up with a message naming the variable.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { z } from 'zod';
import { isReservedOwnerName } from './jobs/reserved-owners.js';
import { parsePrivateAllowEntry } from './environment/private-allowlist.js';
import { decodeSecretsKey } from './environment/secret-box.js';
import { DEFAULT_MODEL_PRICES_TABLE, modelPricesSchema } from './usage/model-prices.js';
import { quotasSchema } from './usage/quotas.js';
import { forgeHostsSchema, gitAuthorSchema, githubAppPrivateKeySchema, DEFAULT_GIT_AUTHOR } from './delivery/delivery-config.js';
import { githubReposSchema } from './forge/github-repos.js';

const intFrom = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/, 'expected an integer')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const flag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const list = z.string().transform((v) =>
  v
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean),
);

/** OTLP over HTTP only (traces): the exporters this build ships. */
const otlpProtocol = z.enum(['http/protobuf', 'http/json'], { error: 'expected http/protobuf or http/json (OTLP over gRPC is not supported here)' });

/** A push request lives at most 600 s (the ack deadline): a push-lane job gets 540 s of it at most. */
export const PUSH_LANE_MAX_JOB_TIMEOUT_MS = 540_000;

export const SANDBOX_MODES = ['read-only', 'workspace-write', 'danger-full-access'] as const;
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR'] as const;

/** One API key: `name:key` or `name:sha256:<hex>`; only the SHA-256 of the key is kept. */
export const apiKeyEntry = z.string().transform((entry, ctx) => {
  const idx = entry.indexOf(':');
  const name = idx > 0 ? entry.slice(0, idx) : '';
  const rest = idx > 0 ? entry.slice(idx + 1) : '';
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name) || rest.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'each entry must be name:key or name:sha256:<hex>' });
    return z.NEVER;
  }
  if (isReservedOwnerName(name)) {
    ctx.addIssue({ code: 'custom', message: `the key name "${name}" is reserved (storage, scheduler and system* own the system's own jobs); rename that key` });
    return z.NEVER;
  }
  const hashed = /^sha256:([0-9a-fA-F]{64})$/.exec(rest);
  return { name, sha256: hashed ? hashed[1]!.toLowerCase() : sha256Hex(rest) };
});

function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

const webhookSecret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'expected whsec_<base64>')
  .refine((s) => Buffer.from(s.slice('whsec_'.length), 'base64').length >= 16, 'the secret must decode to at least 16 bytes');

/** ENV_SECRETS_KEY: comma-separated 32-byte keys (64 hex digits or base64); the first seals, every one opens (rotation). */
const secretsKeys = z
  .string()
  .refine((v) => v.split(/[\s,]+/).filter(Boolean).every((k) => decodeSecretsKey(k) !== undefined), 'each key must be 32 bytes, written as 64 hex digits or as base64 (openssl rand -base64 32)');

/** NETWORK_PRIVATE_ALLOWLIST: host names, IP addresses or CIDR ranges; never a metadata server. */
const privateAllowEntry = z.string().superRefine((entry, ctx) => {
  const parsed = parsePrivateAllowEntry(entry);
  if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
});

export const envSchema = z.object({
  GOOGLE_CLOUD_PROJECT: z.string().min(1).default('codex-jobs-local'),
  JOBS_TOPIC: z.string().min(1).default('codex-jobs'),
  PRIORITY_JOBS_TOPIC: z.string().min(1).default('codex-jobs-priority'),
  RESULTS_TOPIC: z.string().min(1).default('codex-results'),
  SCHEDULES_TOPIC: z.string().min(1).default('codex-schedules'),
  STORAGE_EVENTS_TOPIC: z.string().min(1).default('codex-storage-events'),
  UPLOADS_BUCKET: z.string().min(3).optional(),
  OUTPUTS_BUCKET: z.string().min(3).optional(),
  RESULTS_BUCKET: z.string().min(3).optional(),
  API_KEYS: list.pipe(z.array(apiKeyEntry)).default([]),
  ADMIN_KEYS: list.default([]),
  RATE_LIMIT_PER_MINUTE: intFrom(1, 1_000_000).default(100),
  WEBHOOK_SECRET: list.pipe(z.array(webhookSecret)).default([]),
  WEBHOOK_RETRY_DELAYS: list.pipe(z.array(intFrom(0, 3_600_000))).default([1000, 5000, 15000]),
  /** Per-attempt timeout of a webhook delivery (the contract's 15 s; tests lower it). */
  WEBHOOK_TIMEOUT_MS: intFrom(100, 60_000).default(15_000),
  MAX_JOB_TIMEOUT_MS: intFrom(1000, Number.MAX_SAFE_INTEGER)
    .pipe(z.number().max(PUSH_LANE_MAX_JOB_TIMEOUT_MS, `at most ${PUSH_LANE_MAX_JOB_TIMEOUT_MS} on the push lanes (Pub/Sub holds a push request for at most 600 s); longer jobs belong to the long lane`))
    .default(480_000),
  MAX_ATTEMPTS: intFrom(1, 100).default(3),
  JOB_TTL_DAYS: intFrom(1, 3650).default(30),
  /** How long a claim holds a job before another delivery may take it over (renewed while running). */
  JOB_LEASE_MS: intFrom(1000, 3_600_000).default(60_000),
  CODEX_BIN: z.string().min(1).optional(),
  CODEX_MODEL: z.string().min(1).default('gpt-5-codex'),
  /** (v4) `model=input:cached_input:output` USD per million tokens, `;`-separated (shared/usage/model-prices.ts). */
  MODEL_PRICES: modelPricesSchema.default(DEFAULT_MODEL_PRICES_TABLE),
  /** (v4) `name:key=value,...;...` per-key limits, `*` for every other key (shared/usage/quotas.ts). */
  QUOTAS: quotasSchema.default(new Map()),
  CODEX_SANDBOX: z.enum(SANDBOX_MODES).default('workspace-write'),
  OPENAI_API_KEY: z.string().min(1).optional(),
  CODEX_PROVIDER_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  CALLBACK_ALLOWLIST: list.default([]),
  ALLOW_INSECURE_CALLBACKS: flag.default(false),
  LOG_LEVEL: z
    .string()
    .transform((v) => v.toUpperCase())
    .pipe(z.enum(LOG_LEVELS))
    .default('INFO'),
  /** The local stack's sweep period: how often it publishes to SWEEPS_TOPIC, as Cloud Scheduler does every minute. */
  SWEEP_INTERVAL_MS: intFrom(100, 86_400_000).default(60_000),
  K_REVISION: z.string().optional(),
  // The long lane (the pull `worker`): jobs above MAX_JOB_TIMEOUT_MS up to MAX_LONG_JOB_TIMEOUT_MS.
  /** Topic of the long lane; set to the empty string for no long lane (a longer timeout_ms is then a 400). */
  LONG_JOBS_TOPIC: z.string().trim().default('codex-jobs-long'),
  MAX_LONG_JOB_TIMEOUT_MS: intFrom(1000, 86_400_000).default(14_400_000),
  /** The worker's streaming-pull subscription (default `${LONG_JOBS_TOPIC}-worker`). */
  LONG_JOBS_SUBSCRIPTION: z.string().min(1).optional(),
  /** Jobs one worker runs at once; it takes no message beyond them (flow control). */
  WORKER_CONCURRENCY: intFrom(1, 64).default(2),
  /** On SIGTERM, how long running jobs may go on before their leases are released and messages nacked: up to a day's job (MAX_LONG_JOB_TIMEOUT_MS ≤ 24 h) plus its outputs, as a Kubernetes pod may drain that long. */
  WORKER_GRACE_MS: intFrom(0, 90_000_000).default(25_000),
  /** A small HTTP health port for the worker (Cloud Run worker pools and Kubernetes probes); unset = none. */
  WORKER_HEALTH_PORT: intFrom(1, 65_535).optional(),
  // (v4) Observability, issue 26: the worker's Prometheus endpoint (shared/telemetry/worker-metrics.ts).
  /** The worker serves Prometheus GET /metrics on this port (GKE scraping); unset = no metrics server. */
  METRICS_PORT: intFrom(1, 65_535).optional(),
  /** Workspaces (issue 12): limits of an unpacked input, counted on bytes written and entries. */
  WORKSPACE_MAX_BYTES: intFrom(1, 64 * 1024 * 1024 * 1024).default(268_435_456),
  WORKSPACE_MAX_FILES: intFrom(1, 10_000_000).default(20_000),
  /** `host=token` pairs for the processor's own git (a secret); never reaches the workspace or the agent. */
  GIT_CREDENTIALS: list.pipe(z.array(z.string().regex(/^[A-Za-z0-9.-]+(:\d+)?=\S+$/, 'each entry must be host=token'))).default([]),
  GIT_ALLOWLIST: list.default([]),
  ALLOW_INSECURE_GIT: flag.default(false),
  /** Open SSE streams one key may hold on one API instance; past it, 429. */
  SSE_MAX_STREAMS_PER_OWNER: intFrom(1, 10_000).default(10),
  /** The longest one SSE stream stays open; the client then reconnects with Last-Event-ID. */
  SSE_MAX_STREAM_MS: intFrom(1000, 3_600_000).default(300_000),
  /** Jobs one processor instance runs at once; a push delivery beyond it is answered 429 without work. */
  PROCESSOR_CONCURRENCY: intFrom(1, 1000).default(1),
  /** Output caps per job: past either, the job still completes with the outputs flagged truncated. */
  OUTPUT_MAX_FILES: intFrom(1, 1_000_000).default(2000),
  OUTPUT_MAX_BYTES: intFrom(1, 2 ** 50).default(1024 ** 3),
  /** The sweeper (shared/sweeper/): its topic, the most jobs each rule handles per sweep, and the local stack's sweep period. */
  SWEEPS_TOPIC: z.string().min(1).default('codex-sweeps'),
  SWEEP_BATCH: intFrom(1, 10_000).default(500),
  /** The sweeper's stale_webhook rule: a terminal job's webhook still `pending` this long after its result went out gets the result again. */
  WEBHOOK_RESEND_AFTER_MS: intFrom(10_000, 86_400_000).default(900_000),
  // Environments (v4): secrets at rest, the dependency cache, the private hosts a job may reach.
  /** Seals environment secrets (secret-box.ts); unset: environments with secrets are refused. A secret in GCP. */
  ENV_SECRETS_KEY: secretsKeys.optional(),
  /** A dependency cache larger than this (bytes, compressed) is not saved. */
  ENV_CACHE_MAX_BYTES: intFrom(0, 2 ** 50).default(2_147_483_648),
  /** The env-cache/ lifecycle rule of RESULTS_BUCKET deletes caches this many days old (Terraform). */
  ENV_CACHE_TTL_DAYS: intFrom(1, 3650).default(7),
  /** Private hosts, addresses or CIDR ranges a job's network policy may reach; never a metadata address. */
  NETWORK_PRIVATE_ALLOWLIST: list.pipe(z.array(privateAllowEntry)).default([]),
  // Traces (v4, shared/telemetry/tracing.ts): OTLP where an endpoint is set, Cloud Trace in GCP, nowhere
  // otherwise. The OTLP exporter reads the other standard OTEL_EXPORTER_OTLP_* variables (headers, timeout) itself.
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: otlpProtocol.optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: otlpProtocol.optional(),
  /** `otlp`, `google_cloud_trace` (GKE: GCP without Cloud Run's variables) or `none`; unset: by the rule above. */
  OTEL_TRACES_EXPORTER: z.enum(['otlp', 'google_cloud_trace', 'none']).optional(),
  OTEL_SDK_DISABLED: flag.default(false),
  /** Set by Cloud Run (services and worker pools); with no emulator host set, they mean "in GCP" (Cloud Trace). */
  K_SERVICE: z.string().optional(),
  CLOUD_RUN_WORKER_POOL: z.string().optional(),
  PUBSUB_EMULATOR_HOST: z.string().optional(),
  FIRESTORE_EMULATOR_HOST: z.string().optional(),
  // Delivery (v4): where a job's changes go (shared/delivery/).
  /** `host=kind` or `host=kind@api_base_url` (kind github|gitlab|gitea); github.com and gitlab.com are known without it. */
  FORGE_HOSTS: forgeHostsSchema.default([]),
  /** `Name <email>`: the author and committer of delivered commits. */
  GIT_AUTHOR: gitAuthorSchema.default(DEFAULT_GIT_AUTHOR),
  /** The GitHub App whose installation tokens push and call the API (with GITHUB_APP_PRIVATE_KEY). */
  GITHUB_APP_ID: z.string().trim().regex(/^\d{1,20}$/, 'expected the numeric App ID').optional(),
  /** The App's private key (PEM; `\n` escapes accepted). A secret. */
  GITHUB_APP_PRIVATE_KEY: githubAppPrivateKeySchema.optional(),
  // Jobs from GitHub (v4, shared/forge/): the webhook secret, the repository → API key map, the triggers.
  /** The GitHub App's (or repository's) webhook secret; POST /forge/github checks X-Hub-Signature-256 with it. Unset: every delivery is 401. */
  GITHUB_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** `owner/repo=keyname` pairs (`owner/*` for every repository of an owner): the API key that owns each repository's jobs. */
  GITHUB_REPOS: list.pipe(githubReposSchema).default([]),
  /** A comment whose body starts with this phrase starts a job. */
  TRIGGER_PHRASE: z.string().trim().min(1).max(100).default('@codex-jobs'),
  /** An issue labeled with this label starts a job. */
  TRIGGER_LABEL: z.string().trim().min(1).max(50).default('codex-jobs'),
});

/** Variables whose empty value means "off" rather than "use the default". */
const EMPTY_MEANS_OFF: ReadonlySet<string> = new Set(['LONG_JOBS_TOPIC']);

export type Config = Omit<z.output<typeof envSchema>, 'UPLOADS_BUCKET' | 'OUTPUTS_BUCKET' | 'RESULTS_BUCKET' | 'CODEX_BIN' | 'LONG_JOBS_SUBSCRIPTION'> & {
  LONG_JOBS_SUBSCRIPTION: string;
  UPLOADS_BUCKET: string;
  OUTPUTS_BUCKET: string;
  RESULTS_BUCKET: string;
  CODEX_BIN: string;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses an environment; empty strings count as unset so `VAR=` falls back to the default (except EMPTY_MEANS_OFF). */
export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && (value !== '' || EMPTY_MEANS_OFF.has(key))) input[key] = value;
  }
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '?');
      const shown = name.includes('KEY') || name.includes('SECRET') || name.includes('CREDENTIALS') ? '(hidden)' : JSON.stringify(input[name]);
      return `${name}=${shown}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration: ${lines.join('; ')}`);
  }
  const c = parsed.data;
  const project = c.GOOGLE_CLOUD_PROJECT;
  if (c.LONG_JOBS_TOPIC && c.MAX_LONG_JOB_TIMEOUT_MS < c.MAX_JOB_TIMEOUT_MS) {
    throw new ConfigError(`Invalid configuration: MAX_LONG_JOB_TIMEOUT_MS=${c.MAX_LONG_JOB_TIMEOUT_MS}: must be at least MAX_JOB_TIMEOUT_MS (${c.MAX_JOB_TIMEOUT_MS})`);
  }
  if ((c.GITHUB_APP_ID === undefined) !== (c.GITHUB_APP_PRIVATE_KEY === undefined)) {
    const missing = c.GITHUB_APP_ID === undefined ? 'GITHUB_APP_ID' : 'GITHUB_APP_PRIVATE_KEY';
    throw new ConfigError(`Invalid configuration: ${missing}: a GitHub App needs both GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY`);
  }
  // Only where keys are configured (the API): other functions may be deployed without API_KEYS.
  const keyNames = new Set(c.API_KEYS.map((k) => k.name));
  const unknownKey = keyNames.size > 0 ? c.GITHUB_REPOS.find((r) => !keyNames.has(r.key)) : undefined;
  if (unknownKey) {
    throw new ConfigError(`Invalid configuration: GITHUB_REPOS: ${unknownKey.pattern}=${unknownKey.key} names no key of API_KEYS (the repository's jobs are owned by that key)`);
  }
  return {
    ...c,
    LONG_JOBS_SUBSCRIPTION: c.LONG_JOBS_SUBSCRIPTION ?? `${c.LONG_JOBS_TOPIC}-worker`,
    UPLOADS_BUCKET: c.UPLOADS_BUCKET ?? `${project}-codex-uploads`,
    OUTPUTS_BUCKET: c.OUTPUTS_BUCKET ?? `${project}-codex-outputs`,
    RESULTS_BUCKET: c.RESULTS_BUCKET ?? `${project}-codex-results`,
    CODEX_BIN: c.CODEX_BIN ?? defaultCodexBin(),
  };
}

let cached: Config | undefined;
/** The process-wide configuration, parsed on first use. */
export function loadConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/** The platform binary shipped by @openai/codex (calling it directly skips the node wrapper). */
export function defaultCodexBin(): string {
  const require = createRequire(import.meta.url);
  const triples: Record<string, string> = {
    'linux-x64': 'x86_64-unknown-linux-musl',
    'linux-arm64': 'aarch64-unknown-linux-musl',
    'darwin-x64': 'x86_64-apple-darwin',
    'darwin-arm64': 'aarch64-apple-darwin',
  };
  const key = `${process.platform}-${process.arch}`;
  const triple = triples[key];
  if (!triple) return 'codex';
  try {
    const pkg = require.resolve(`@openai/codex-${key}/package.json`);
    return path.join(path.dirname(pkg), 'vendor', triple, 'bin', 'codex');
  } catch {
    return 'codex';
  }
}
