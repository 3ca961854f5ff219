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
  description = "Instance cap of the processor (low/normal lane). One instance runs one job, so this is the number of jobs that run at once."
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

variable "openai_api_key_secret" {
  description = "Secret Manager secret (id) holding OPENAI_API_KEY for the processors."
  type        = string
  default     = "codex-jobs-openai-api-key"
}

variable "job_timeout_seconds" {
  description = "Processor function timeout (at most 3600 s for HTTP functions). Jobs may ask for up to this minus 300 s (kept for uploads and bookkeeping), which becomes MAX_JOB_TIMEOUT_MS."
  type        = number
  default     = 3600

  validation {
    condition     = var.job_timeout_seconds >= 360 && var.job_timeout_seconds <= 3600
    error_message = "job_timeout_seconds must be between 360 and 3600."
  }
}
