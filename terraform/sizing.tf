# The memory budget of a job on Cloud Run, where the filesystem is memory: the runtime (Node, the Codex
# app-server, git and the tools a turn runs), the unpacked workspace input (WORKSPACE_MAX_BYTES), the
# files the job writes (up to OUTPUT_MAX_BYTES are uploaded) and its installed dependencies. An instance
# running N jobs at once needs N budgets; past its memory Cloud Run kills it, the job's message is
# redelivered and the job runs again until max_attempts. The processors and the worker refuse to plan
# with limits that do not fit (preconditions in functions.tf and worker.tf).

locals {
  gib = 1073741824
  # Node + codex app-server + git + a turn's tool processes, measured well under this on the local stack.
  job_runtime_reserve_bytes = local.gib
  job_memory_bytes          = local.job_runtime_reserve_bytes + var.workspace_max_bytes + var.output_max_bytes + var.dependency_cache_bytes

  processor_memory_bytes = var.processor_memory_gib * local.gib
  worker_memory_bytes    = var.worker_memory_gib * local.gib
  processor_jobs_fit     = var.processor_concurrency * local.job_memory_bytes <= local.processor_memory_bytes
  worker_jobs_fit        = var.worker_concurrency * local.job_memory_bytes <= local.worker_memory_bytes

  # Cloud Run's CPU floor for a memory size: above 4 GiB at least 2 CPUs, above 8 GiB 4, above 16 GiB 6,
  # above 24 GiB 8.
  processor_cpu = tostring(local.cpu_for_gib[var.processor_memory_gib <= 8 ? 8 : var.processor_memory_gib <= 16 ? 16 : var.processor_memory_gib <= 24 ? 24 : 32])
  worker_cpu    = tostring(local.cpu_for_gib[var.worker_memory_gib <= 8 ? 8 : var.worker_memory_gib <= 16 ? 16 : var.worker_memory_gib <= 24 ? 24 : 32])
  cpu_for_gib   = { 8 = 2, 16 = 4, 24 = 6, 32 = 8 }
}
