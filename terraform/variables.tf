# The deployment's inputs. Everything else (topic names, bucket names, env vars) follows the
# contract in shared/config.ts and is set in main.tf's locals.

variable "project_id" {
  description = "Google Cloud project to deploy into."
  type        = string
}

variable "region" {
  description = "Region for the functions, buckets, Firestore database and Cloud Scheduler jobs (e.g. us-central1)."
  type        = string
  default     = "us-central1"
}

variable "environment" {
  description = "Environment name, used in labels and alert names (e.g. prod, staging)."
  type        = string
  default     = "prod"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}$", var.environment))
    error_message = "environment must be lowercase letters, digits and dashes (at most 31 characters)."
  }
}

variable "max_concurrent_jobs" {
  description = "Instance cap of the processor (low/normal lane). An instance runs processor_concurrency jobs (default 1), so jobs at once = this × processor_concurrency."
  type        = number
  default     = 10

  validation {
    condition     = var.max_concurrent_jobs >= 1 && var.max_concurrent_jobs <= 1000
    error_message = "max_concurrent_jobs must be between 1 and 1000."
  }
}

variable "max_priority_jobs" {
  description = "Instance cap of processor-priority (high/critical lane): capacity reserved for priority jobs."
  type        = number
  default     = 5

  validation {
    condition     = var.max_priority_jobs >= 1 && var.max_priority_jobs <= 1000
    error_message = "max_priority_jobs must be between 1 and 1000."
  }
}

variable "api_keys_secret" {
  description = "Secret Manager secret (id) holding API_KEYS: comma-separated name:key or name:sha256:<hex> entries."
  type        = string
  default     = "codex-jobs-api-keys"
}

variable "webhook_secret_secret" {
  description = "Secret Manager secret (id) holding WEBHOOK_SECRET: whsec_<base64> (several, space-separated, while rotating)."
  type        = string
  default     = "codex-jobs-webhook-secret"
}

variable "env_secrets_key_secret" {
  description = "Secret Manager secret (id) holding ENV_SECRETS_KEY: 32-byte keys (64 hex digits or base64), comma-separated while rotating; the first seals environment secrets, every one opens them."
  type        = string
  default     = "codex-jobs-env-secrets-key"
}

variable "openai_api_key_secret" {
  description = "Secret Manager secret (id) holding OPENAI_API_KEY for the processors."
  type        = string
  default     = "codex-jobs-openai-api-key"
}

variable "git_credentials_secret" {
  description = "Secret Manager secret (id) holding GIT_CREDENTIALS for the processors and the worker: host=token pairs (or host:port=token, host=user:password), comma- or space-separated. null (the default) wires none: only public git workspaces."
  type        = string
  default     = null

  validation {
    condition     = var.git_credentials_secret == null || can(regex("^[A-Za-z0-9_-]{1,255}$", var.git_credentials_secret))
    error_message = "git_credentials_secret must be a Secret Manager secret id (letters, digits, - and _, at most 255) or null."
  }
}

variable "job_timeout_seconds" {
  description = "Longest job the push lanes run, in seconds (becomes MAX_JOB_TIMEOUT_MS). At most 540: Pub/Sub holds a push request for at most 600 s; longer jobs belong to the long lane."
  type        = number
  default     = 480

  validation {
    condition     = var.job_timeout_seconds >= 1 && var.job_timeout_seconds <= 540
    error_message = "job_timeout_seconds must be between 1 and 540 (MAX_JOB_TIMEOUT_MS is at most 540000 on the push lanes, whose requests live at most 600 s)."
  }
}

variable "processor_concurrency" {
  description = "PROCESSOR_CONCURRENCY: jobs one processor instance runs at once (also its request concurrency). Above 1, size memory and cpu of the processors for that many Codex turns."
  type        = number
  default     = 1

  validation {
    condition     = var.processor_concurrency >= 1 && var.processor_concurrency <= 1000 && floor(var.processor_concurrency) == var.processor_concurrency
    error_message = "processor_concurrency must be a whole number between 1 and 1000."
  }
}

variable "sweep_batch" {
  description = "SWEEP_BATCH: the most jobs each sweeper rule handles per sweep (one sweep a minute)."
  type        = number
  default     = 500

  validation {
    condition     = var.sweep_batch >= 1 && var.sweep_batch <= 10000 && floor(var.sweep_batch) == var.sweep_batch
    error_message = "sweep_batch must be a whole number between 1 and 10000."
  }
}

variable "webhook_resend_after_seconds" {
  description = "How long a terminal job's webhook may stay pending after its result went out before the sweeper publishes the result again (WEBHOOK_RESEND_AFTER_MS = this × 1000)."
  type        = number
  default     = 900

  validation {
    condition     = var.webhook_resend_after_seconds >= 10 && var.webhook_resend_after_seconds <= 86400 && floor(var.webhook_resend_after_seconds) == var.webhook_resend_after_seconds
    error_message = "webhook_resend_after_seconds must be a whole number between 10 and 86400."
  }
}

variable "enable_example_schedules" {
  description = "Also make the Cloud Scheduler jobs of schedules.json entries named example-… (each run is a Codex job that spends model tokens). Off by default."
  type        = bool
  default     = false
}

variable "env_cache_max_bytes" {
  description = "An environment's dependency cache larger than this (bytes, compressed) is not saved (ENV_CACHE_MAX_BYTES)."
  type        = number
  default     = 2147483648

  validation {
    condition     = var.env_cache_max_bytes >= 0 && var.env_cache_max_bytes <= 1125899906842624 && floor(var.env_cache_max_bytes) == var.env_cache_max_bytes
    error_message = "env_cache_max_bytes must be a whole number of bytes between 0 and 1125899906842624 (2^50)."
  }
}

variable "env_cache_ttl_days" {
  description = "Dependency caches (gs://RESULTS_BUCKET/env-cache/) are deleted this many days after they were saved (ENV_CACHE_TTL_DAYS, a lifecycle rule)."
  type        = number
  default     = 7

  validation {
    condition     = var.env_cache_ttl_days >= 1 && var.env_cache_ttl_days <= 3650 && floor(var.env_cache_ttl_days) == var.env_cache_ttl_days
    error_message = "env_cache_ttl_days must be a whole number between 1 and 3650."
  }
}

variable "network_private_allowlist" {
  description = "Private hosts, IP addresses or CIDR ranges a job's network policy may reach (a private registry); never a metadata address (NETWORK_PRIVATE_ALLOWLIST)."
  type        = list(string)
  default     = []
}

variable "quotas" {
  description = "Per-key limits, `name:key=value,...;name2:...` (`*` = every key without its own entry; keys tokens_per_day, tokens_per_month, jobs_per_day, concurrent_jobs); empty = no quotas (QUOTAS, docs/QUOTAS.md)."
  type        = string
  default     = ""
}

variable "model_prices" {
  description = "What a model's tokens cost, `model=input:cached_input:output` in USD per million tokens, `;`-separated; empty = the code's built-in table (MODEL_PRICES, docs/QUOTAS.md)."
  type        = string
  default     = ""
}
