# Variables of the long-lane worker (worker.tf).

variable "image" {
  description = "The image built from the repository's Dockerfile (REGION-docker.pkg.dev/PROJECT/codex-jobs/codex-jobs:TAG, by tag or @sha256 digest). The processors run it through the Functions Framework and the long-lane worker runs it as is: both need the second-generation runtime, which a Cloud Function cannot pin (docs/DEPLOY.md). Required: there is no usable default."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9.-]+(:[0-9]+)?/[^\\s]+(:[A-Za-z0-9._-]+|@sha256:[0-9a-f]{64})$", var.image)) && !startswith(var.image, "us-docker.pkg.dev/cloudrun/container/")
    error_message = "image must be the codex-jobs image built from the Dockerfile (REGION-docker.pkg.dev/PROJECT/REPO/NAME:TAG or @sha256:DIGEST), not a sample image."
  }
}

variable "worker_instances" {
  description = "Instances of the long-lane worker pool (manual scaling: worker pools take only manual_instance_count). Long-lane capacity is worker_instances × worker_concurrency jobs; a longer backlog waits in codex-jobs-long-worker. 0 = no long lane: the producers get LONG_JOBS_TOPIC empty and refuse timeout_ms above job_timeout_seconds."
  type        = number
  default     = 1

  validation {
    condition     = var.worker_instances >= 0 && var.worker_instances <= 100 && floor(var.worker_instances) == var.worker_instances
    error_message = "worker_instances must be a whole number between 0 and 100."
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
