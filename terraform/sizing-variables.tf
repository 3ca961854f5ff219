# Memory of the services that run Codex. On Cloud Run the filesystem (/tmp, where workspaces live) is
# memory: each job's workspace input, its outputs and its installed dependencies count against the
# instance's memory with the runtime itself. sizing.tf checks that the limits fit (docs/DEPLOY.md has
# the table).

variable "processor_memory_gib" {
  description = "Memory of each processor instance (processor, processor-priority), in GiB. Must hold processor_concurrency jobs: each needs job_runtime_reserve_bytes + workspace_max_bytes + output_max_bytes + dependency_cache_bytes."
  type        = number
  default     = 8

  validation {
    condition     = var.processor_memory_gib >= 1 && var.processor_memory_gib <= 32 && floor(var.processor_memory_gib) == var.processor_memory_gib
    error_message = "processor_memory_gib must be a whole number of GiB between 1 and 32 (Cloud Run's largest instance)."
  }
}

variable "worker_memory_gib" {
  description = "Memory of each long-lane worker instance, in GiB. Must hold worker_concurrency jobs, each sized as for the processors."
  type        = number
  default     = 8

  validation {
    condition     = var.worker_memory_gib >= 1 && var.worker_memory_gib <= 32 && floor(var.worker_memory_gib) == var.worker_memory_gib
    error_message = "worker_memory_gib must be a whole number of GiB between 1 and 32 (Cloud Run's largest instance)."
  }
}

variable "dependency_cache_bytes" {
  description = "Room kept per job for dependencies a job installs into its workspace (npm, pip, a toolchain), in bytes: memory on Cloud Run like the rest of the workspace."
  type        = number
  default     = 1073741824

  validation {
    condition     = var.dependency_cache_bytes >= 0 && floor(var.dependency_cache_bytes) == var.dependency_cache_bytes
    error_message = "dependency_cache_bytes must be a whole number of bytes, 0 or more."
  }
}
