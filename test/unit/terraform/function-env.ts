// Which deployed function reads which configuration variable (names of shared/config.ts envSchema).
// The Terraform consistency test derives what must be set per function from this table and the schema.
import type { FunctionSpec } from '../../../dev/topology.js';
import type { envSchema } from '../../../shared/config.js';

export type EnvName = keyof typeof envSchema.shape;

const processorReads: readonly EnvName[] = [
  'GOOGLE_CLOUD_PROJECT', 'OPENAI_API_KEY', 'CODEX_MODEL', 'CODEX_SANDBOX', 'CODEX_PROVIDER_BASE_URL', 'CODEX_BIN',
  'MAX_ATTEMPTS', 'JOB_LEASE_MS', 'JOB_TTL_DAYS', 'OUTPUTS_BUCKET', 'RESULTS_BUCKET', 'RESULTS_TOPIC', 'LOG_LEVEL',
  'UPLOADS_BUCKET', 'WORKSPACE_MAX_BYTES', 'WORKSPACE_MAX_FILES', 'GIT_CREDENTIALS', 'GIT_ALLOWLIST', 'ALLOW_INSECURE_GIT',
  'OUTPUT_MAX_FILES', 'OUTPUT_MAX_BYTES', 'PROCESSOR_CONCURRENCY',
  // Environments: secrets opened for setup, the cache cap (and its lifecycle age), the private hosts a policy may reach.
  'ENV_SECRETS_KEY', 'ENV_CACHE_MAX_BYTES', 'ENV_CACHE_TTL_DAYS', 'NETWORK_PRIVATE_ALLOWLIST',
  // Usage: the claim applies concurrent_jobs and the token quota left (QUOTAS); the result's cost (MODEL_PRICES).
  'QUOTAS', 'MODEL_PRICES',
  // Delivery: each host's kind and API, the commits' author, the GitHub App's installation tokens.
  'FORGE_HOSTS', 'GIT_AUTHOR', 'GITHUB_APP_ID', 'GITHUB_APP_PRIVATE_KEY',
];

/** The producers route a job to its lane (shared/jobs/job-lane.ts) and check timeout_ms against it. */
const laneReads: readonly EnvName[] = ['MAX_JOB_TIMEOUT_MS', 'MAX_LONG_JOB_TIMEOUT_MS', 'LONG_JOBS_TOPIC'];

export const FUNCTION_ENV: Record<FunctionSpec['name'], readonly EnvName[]> = {
  enqueue: [
    'GOOGLE_CLOUD_PROJECT', 'API_KEYS', 'ADMIN_KEYS', 'RATE_LIMIT_PER_MINUTE', ...laneReads, 'CALLBACK_ALLOWLIST',
    'ALLOW_INSECURE_CALLBACKS', 'JOBS_TOPIC', 'PRIORITY_JOBS_TOPIC', 'RESULTS_TOPIC', 'UPLOADS_BUCKET', 'OUTPUTS_BUCKET',
    'RESULTS_BUCKET', 'JOB_TTL_DAYS', 'LOG_LEVEL', 'K_REVISION',
    'GIT_ALLOWLIST', 'ALLOW_INSECURE_GIT',
    // Seals environment secrets (PUT /environments, an inline environment at submit).
    'ENV_SECRETS_KEY',
    // Quotas at submit (429 quota_exceeded) and in GET /usage.
    'QUOTAS',
    // POST /forge/github: the signature, which repositories make jobs and on what; the reply comment as the App.
    // (GitHub Enterprise: its API base in FORGE_HOSTS; without the App, the host's GIT_CREDENTIALS token.)
    'GITHUB_WEBHOOK_SECRET', 'GITHUB_REPOS', 'TRIGGER_PHRASE', 'TRIGGER_LABEL', 'GITHUB_APP_ID', 'GITHUB_APP_PRIVATE_KEY', 'FORGE_HOSTS', 'GIT_CREDENTIALS',
  ],
  processor: processorReads,
  'processor-priority': processorReads,
  'storage-trigger': [
    'GOOGLE_CLOUD_PROJECT', 'UPLOADS_BUCKET', 'JOBS_TOPIC', 'PRIORITY_JOBS_TOPIC', 'RESULTS_TOPIC', 'STORAGE_EVENTS_TOPIC',
    ...laneReads, 'CALLBACK_ALLOWLIST', 'ALLOW_INSECURE_CALLBACKS', 'JOB_TTL_DAYS', 'LOG_LEVEL',
    'WORKSPACE_MAX_BYTES', 'WORKSPACE_MAX_FILES',
    // Intake jobs are held to quotas (shared/intake/intake-jobs.ts).
    'QUOTAS',
  ],
  scheduler: [
    'GOOGLE_CLOUD_PROJECT', 'JOBS_TOPIC', 'PRIORITY_JOBS_TOPIC', 'RESULTS_TOPIC', 'SCHEDULES_TOPIC', ...laneReads,
    'CALLBACK_ALLOWLIST', 'ALLOW_INSECURE_CALLBACKS', 'JOB_TTL_DAYS', 'LOG_LEVEL',
    // Intake jobs are held to quotas (shared/intake/intake-jobs.ts).
    'QUOTAS',
  ],
  notifier: [
    'GOOGLE_CLOUD_PROJECT', 'WEBHOOK_SECRET', 'WEBHOOK_RETRY_DELAYS', 'WEBHOOK_TIMEOUT_MS', 'CALLBACK_ALLOWLIST',
    'ALLOW_INSECURE_CALLBACKS', 'RESULTS_TOPIC', 'JOB_TTL_DAYS', 'LOG_LEVEL',
    // Edits the GitHub reply comment of a job from GitHub when it ends, as the App (else GIT_CREDENTIALS' token).
    'GITHUB_APP_ID', 'GITHUB_APP_PRIVATE_KEY', 'FORGE_HOSTS', 'GIT_CREDENTIALS',
  ],
  sweeper: [
    'GOOGLE_CLOUD_PROJECT', 'JOBS_TOPIC', 'PRIORITY_JOBS_TOPIC', 'RESULTS_TOPIC', 'SWEEPS_TOPIC', 'SWEEP_BATCH',
    'JOB_LEASE_MS', 'MAX_ATTEMPTS', 'JOB_TTL_DAYS', 'LOG_LEVEL', 'WEBHOOK_RESEND_AFTER_MS',
    // Republishing a stuck job publishes to its recorded lane's topic (laneTopic), the long lane's too.
    'LONG_JOBS_TOPIC',
  ],
};

/** Values that must come from Secret Manager, never from a plain environment variable. */
export const SECRET_ENV: readonly EnvName[] = ['API_KEYS', 'WEBHOOK_SECRET', 'OPENAI_API_KEY', 'GIT_CREDENTIALS', 'ENV_SECRETS_KEY', 'GITHUB_WEBHOOK_SECRET', 'GITHUB_APP_PRIVATE_KEY'];

/** Secret Manager ids that may be left unset (null): the secret is then wired nowhere and the code's default applies. */
export const OPTIONAL_SECRET_ENV: readonly EnvName[] = ['GIT_CREDENTIALS', 'GITHUB_WEBHOOK_SECRET', 'GITHUB_APP_PRIVATE_KEY'];

/** Their local default is wrong in Google Cloud (the functions runtime does not set the project id). */
export const REQUIRED_IN_GCP: readonly EnvName[] = ['GOOGLE_CLOUD_PROJECT'];

/** No default, yet fine unset in Google Cloud. */
export const OPTIONAL_IN_GCP: Partial<Record<EnvName, string>> = {
  CODEX_PROVIDER_BASE_URL: 'an alternative to OPENAI_API_KEY for other Responses-API providers',
  CODEX_BIN: 'found in the installed @openai/codex package',
  K_REVISION: 'set by Cloud Run itself',
};
