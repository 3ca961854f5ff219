# codex-jobs on Google Cloud: shared names and settings. Each concern has its own file:
# functions.tf, pubsub.tf, storage.tf, firestore.tf, iam.tf, secrets.tf, scheduler.tf, monitoring.tf.
# Names below are the defaults of shared/config.ts; test/unit/terraform checks that they stay equal.

resource "google_project_service" "apis" {
  for_each = toset([
    "artifactregistry.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudfunctions.googleapis.com",
    "cloudresourcemanager.googleapis.com",
    "cloudscheduler.googleapis.com",
    "firebaserules.googleapis.com",
    "firestore.googleapis.com",
    "iam.googleapis.com",
    # signBlob for V4 signed URLs (upload PUTs, output downloads) on the API's own identity.
    "iamcredentials.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "pubsub.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
    "serviceusage.googleapis.com",
    "storage.googleapis.com",
  ])
  project            = var.project_id
  service            = each.key
  disable_on_destroy = false
}

locals {
  labels = {
    app         = "codex-jobs"
    environment = var.environment
  }

  # Topic names: the config defaults (JOBS_TOPIC, PRIORITY_JOBS_TOPIC, RESULTS_TOPIC, SCHEDULES_TOPIC,
  # STORAGE_EVENTS_TOPIC, SWEEPS_TOPIC); a key `k` is the config's `K_TOPIC` (subscriptions.json uses the keys).
  topics = {
    jobs           = "codex-jobs"
    priority_jobs  = "codex-jobs-priority"
    results        = "codex-results"
    schedules      = "codex-schedules"
    storage_events = "codex-storage-events"
    sweeps         = "codex-sweeps"
  }
  # Every topic has `<topic>-dead-letter` (dev/topology.ts deadLetterTopic).
  dead_letter_topics = {
    jobs           = "codex-jobs-dead-letter"
    priority_jobs  = "codex-jobs-priority-dead-letter"
    results        = "codex-results-dead-letter"
    schedules      = "codex-schedules-dead-letter"
    storage_events = "codex-storage-events-dead-letter"
    sweeps         = "codex-sweeps-dead-letter"
  }

  # Bucket names: the config defaults `${GOOGLE_CLOUD_PROJECT}-codex-uploads|outputs|results`.
  buckets = {
    uploads = "${var.project_id}-codex-uploads"
    outputs = "${var.project_id}-codex-outputs"
    results = "${var.project_id}-codex-results"
  }

  # The longest push-lane job (MAX_JOB_TIMEOUT_MS). A push request lives at most 600 s (the ack
  # deadline), which is also the processors' function timeout.
  max_job_timeout_ms   = tostring(var.job_timeout_seconds * 1000)
  push_request_seconds = 600

  # Tunable settings passed as plain environment variables. Unset variables take the defaults of
  # shared/config.ts; add ADMIN_KEYS, CALLBACK_ALLOWLIST or CODEX_PROVIDER_BASE_URL here when needed.
  settings = {
    LOG_LEVEL             = "INFO"
    RATE_LIMIT_PER_MINUTE = "100"
    CODEX_MODEL           = "gpt-5-codex"
    CODEX_SANDBOX         = "workspace-write"
    MAX_ATTEMPTS          = "3"
    WEBHOOK_RETRY_DELAYS  = "1000,5000,15000"
  }

  # Settings taken from variables (variables.tf, worker-variables.tf, workspace-variables.tf), as the
  # environment takes them. Each is set only on the functions whose code reads it (functions.tf).
  from_variables = {
    MAX_LONG_JOB_TIMEOUT_MS = tostring(var.long_job_timeout_seconds * 1000)
    WORKSPACE_MAX_BYTES     = tostring(var.workspace_max_bytes)
    WORKSPACE_MAX_FILES     = tostring(var.workspace_max_files)
    GIT_ALLOWLIST           = join(",", var.git_allowlist)
    ALLOW_INSECURE_GIT      = var.allow_insecure_git ? "1" : "0"
    OUTPUT_MAX_FILES        = tostring(var.output_max_files)
    OUTPUT_MAX_BYTES        = tostring(var.output_max_bytes)
    PROCESSOR_CONCURRENCY   = tostring(var.processor_concurrency)
    SWEEP_BATCH             = tostring(var.sweep_batch)
    WEBHOOK_RESEND_AFTER_MS = tostring(var.webhook_resend_after_seconds * 1000)
    # Environments (v4): the dependency cache's cap and age (the env-cache/ lifecycle rule, storage.tf),
    # and the private hosts a job's network policy may reach.
    ENV_CACHE_MAX_BYTES       = tostring(var.env_cache_max_bytes)
    ENV_CACHE_TTL_DAYS        = tostring(var.env_cache_ttl_days)
    NETWORK_PRIVATE_ALLOWLIST = join(",", var.network_private_allowlist)
    # Usage (issue 25): quotas at submit, intake and claim; prices for each job's cost_usd.
    QUOTAS       = var.quotas
    MODEL_PRICES = var.model_prices
    # Delivery and jobs from GitHub (issue 24, forge-variables.tf): the hosts' kinds and API bases, the
    # commits' author; which repositories make jobs, for which key, on which phrase or label; the App.
    FORGE_HOSTS    = join(",", var.forge_hosts)
    GIT_AUTHOR     = var.git_author
    GITHUB_REPOS   = join(",", var.github_repos)
    TRIGGER_PHRASE = var.trigger_phrase
    TRIGGER_LABEL  = var.trigger_label
    GITHUB_APP_ID  = var.github_app_id
  }
}
