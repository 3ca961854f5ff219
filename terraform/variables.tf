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
  description = "Longest job the push lanes run, in seconds (becomes MAX_JOB_TIMEOUT_MS). At most 540: Pub/Sub holds a push request for at most 600 s; longer jobs belong to the long lane."
  type        = number
  default     = 480

  validation {
    condition     = var.job_timeout_seconds >= 1 && var.job_timeout_seconds <= 540
    error_message = "job_timeout_seconds must be between 1 and 540 (MAX_JOB_TIMEOUT_MS is at most 540000 on the push lanes, whose requests live at most 600 s)."
  }
}
