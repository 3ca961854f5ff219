# Variables of the long-lane worker (worker.tf).

variable "worker_image" {
  description = "Container image of the long-lane worker, built from the repository's Dockerfile (e.g. REGION-docker.pkg.dev/PROJECT/codex-jobs/worker:TAG)."
  type        = string
  default     = "us-docker.pkg.dev/cloudrun/container/worker-pool"
}

variable "worker_min_instances" {
  description = "Fewest worker pool instances (0 lets the pool scale to zero when idle)."
  type        = number
  default     = 0

  validation {
    condition     = var.worker_min_instances >= 0 && var.worker_min_instances <= 100
    error_message = "worker_min_instances must be between 0 and 100."
  }
}

variable "worker_max_instances" {
  description = "Most worker pool instances. Long-lane capacity is worker_max_instances × worker_concurrency jobs."
  type        = number
  default     = 5

  validation {
    condition     = var.worker_max_instances >= 1 && var.worker_max_instances <= 100
    error_message = "worker_max_instances must be between 1 and 100."
  }
}

variable "worker_concurrency" {
  description = "WORKER_CONCURRENCY: long jobs one worker instance runs at once (it takes no message beyond them)."
  type        = number
  default     = 2

  validation {
    condition     = var.worker_concurrency >= 1 && var.worker_concurrency <= 64
    error_message = "worker_concurrency must be between 1 and 64."
  }
}

variable "long_job_timeout_seconds" {
  description = "Longest long-lane job, in seconds (becomes MAX_LONG_JOB_TIMEOUT_MS on the producers and the worker). At least 540 (so never below job_timeout_seconds), at most 86400 (24 h)."
  type        = number
  default     = 14400

  validation {
    condition     = var.long_job_timeout_seconds >= 540 && var.long_job_timeout_seconds <= 86400 && floor(var.long_job_timeout_seconds) == var.long_job_timeout_seconds
    error_message = "long_job_timeout_seconds must be a whole number between 540 and 86400 (MAX_LONG_JOB_TIMEOUT_MS is at most 24 h and at least MAX_JOB_TIMEOUT_MS)."
  }
}
