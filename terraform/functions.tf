# The seven deployments of dev/topology.ts FUNCTIONS. Those that run Codex (the processors) are Cloud
# Run services of the image (var.image) pinned to the second-generation execution environment, where
# bubblewrap's namespaces work (first generation is gVisor, where the sandbox probe fails); they run
# the same dist/functions/index.js through the Functions Framework with their target. A Cloud Function
# cannot pin its execution environment, and google_cloud_run_v2_service's build_config does not build
# source (provider issue 22263), hence the image. The others are Cloud Functions built from the source
# archive (package.json main = dist/functions/index.js, which loads only FUNCTION_TARGET's module).
# Build first: `npm ci && npm run build` at the repository root, and the image (docs/DEPLOY.md).

locals {
  # Per function: the Functions Framework target it registers, its sizing, who may reach it, and
  # exactly the environment it reads (secrets by Secret Manager id; test/unit/terraform checks this).
  functions = {
    enqueue = {
      entry_point = "enqueue"
      runs_codex  = false
      description = "codex-jobs HTTP API (submit, read, list, cancel, events, outputs)"
      memory      = "512Mi"
      cpu         = "1"
      # Mostly waiting on Firestore, Pub/Sub and SSE streams: many requests share an instance.
      concurrency   = 80
      min_instances = 0
      max_instances = 20
      # SSE streams stay open until the job ends (an HTTP function's longest request).
      timeout_seconds = 3600
      ingress         = "ALLOW_ALL"
      env = {
        GOOGLE_CLOUD_PROJECT  = var.project_id
        JOBS_TOPIC            = local.topics.jobs
        PRIORITY_JOBS_TOPIC   = local.topics.priority_jobs
        RESULTS_TOPIC         = local.topics.results
        UPLOADS_BUCKET        = local.buckets.uploads
        OUTPUTS_BUCKET        = local.buckets.outputs
        RESULTS_BUCKET        = local.buckets.results
        RATE_LIMIT_PER_MINUTE = local.settings.RATE_LIMIT_PER_MINUTE
        MAX_JOB_TIMEOUT_MS    = local.max_job_timeout_ms
        LOG_LEVEL             = local.settings.LOG_LEVEL
        # Submit routes long jobs and checks git workspace URLs; cloning (and GIT_CREDENTIALS) is the processors'.
        MAX_LONG_JOB_TIMEOUT_MS = local.from_variables.MAX_LONG_JOB_TIMEOUT_MS
        LONG_JOBS_TOPIC         = local.long_jobs_topic_env
        GIT_ALLOWLIST           = local.from_variables.GIT_ALLOWLIST
        ALLOW_INSECURE_GIT      = local.from_variables.ALLOW_INSECURE_GIT
        # Submit refuses past a quota; GET /usage shows each quota with what remains.
        QUOTAS = local.from_variables.QUOTAS
        # POST /forge/github: which repositories make jobs and on what; the App replies on the issue
        # (on a GitHub Enterprise host, through its FORGE_HOSTS API base).
        GITHUB_REPOS   = local.from_variables.GITHUB_REPOS
        TRIGGER_PHRASE = local.from_variables.TRIGGER_PHRASE
        TRIGGER_LABEL  = local.from_variables.TRIGGER_LABEL
        GITHUB_APP_ID  = local.from_variables.GITHUB_APP_ID
        FORGE_HOSTS    = local.from_variables.FORGE_HOSTS
      }
      secrets = {
        API_KEYS = var.api_keys_secret
        # Seals an environment's secrets at PUT /environments and at submit (an inline environment).
        ENV_SECRETS_KEY = var.env_secrets_key_secret
        # Verifies POST /forge/github; the App's key signs the installation token of the reply comment.
        GITHUB_WEBHOOK_SECRET  = var.github_webhook_secret_secret
        GITHUB_APP_PRIVATE_KEY = var.github_app_private_key_secret
        GIT_CREDENTIALS        = local.github_fallback_credentials_secret
      }
    }

    processor = {
      entry_point = "processor"
      runs_codex  = true
      description = "codex-jobs processor, low/normal lane (codex-jobs)"
      # Codex app-server, its tools and the workspace (the filesystem is in memory): sizing.tf.
      memory          = "${var.processor_memory_gib}Gi"
      cpu             = local.processor_cpu
      concurrency     = var.processor_concurrency
      min_instances   = 0
      max_instances   = var.max_concurrent_jobs
      timeout_seconds = local.push_request_seconds
      ingress         = "ALLOW_INTERNAL_ONLY"
      env             = local.processor_env
      secrets         = local.processor_secrets
    }

    "processor-priority" = {
      entry_point     = "processor"
      runs_codex      = true
      description     = "codex-jobs processor, high/critical lane (codex-jobs-priority)"
      memory          = "${var.processor_memory_gib}Gi"
      cpu             = local.processor_cpu
      concurrency     = var.processor_concurrency
      min_instances   = 0
      max_instances   = var.max_priority_jobs
      timeout_seconds = local.push_request_seconds
      ingress         = "ALLOW_INTERNAL_ONLY"
      env             = local.processor_env
      secrets         = local.processor_secrets
    }

    "storage-trigger" = {
      entry_point     = "storage-trigger"
      runs_codex      = false
      description     = "codex-jobs bucket drops (.codex, .prompt, .zip, .tar.gz) to jobs"
      memory          = "1Gi"
      cpu             = "1"
      concurrency     = 4
      min_instances   = 0
      max_instances   = 10
      timeout_seconds = 300
      ingress         = "ALLOW_INTERNAL_ONLY"
      env = {
        GOOGLE_CLOUD_PROJECT = var.project_id
        JOBS_TOPIC           = local.topics.jobs
        PRIORITY_JOBS_TOPIC  = local.topics.priority_jobs
        RESULTS_TOPIC        = local.topics.results
        STORAGE_EVENTS_TOPIC = local.topics.storage_events
        UPLOADS_BUCKET       = local.buckets.uploads
        MAX_JOB_TIMEOUT_MS   = local.max_job_timeout_ms
        LOG_LEVEL            = local.settings.LOG_LEVEL
        # A dropped archive is read within the workspace limits.
        MAX_LONG_JOB_TIMEOUT_MS = local.from_variables.MAX_LONG_JOB_TIMEOUT_MS
        LONG_JOBS_TOPIC         = local.long_jobs_topic_env
        WORKSPACE_MAX_BYTES     = local.from_variables.WORKSPACE_MAX_BYTES
        WORKSPACE_MAX_FILES     = local.from_variables.WORKSPACE_MAX_FILES
        # A dropped job is held to its owner's quotas as a submitted one is.
        QUOTAS = local.from_variables.QUOTAS
      }
      secrets = {}
    }

    scheduler = {
      entry_point     = "scheduler"
      runs_codex      = false
      description     = "codex-jobs Cloud Scheduler messages to jobs"
      memory          = "512Mi"
      cpu             = "0.333"
      concurrency     = 1
      min_instances   = 0
      max_instances   = 5
      timeout_seconds = 120
      ingress         = "ALLOW_INTERNAL_ONLY"
      env = {
        GOOGLE_CLOUD_PROJECT    = var.project_id
        JOBS_TOPIC              = local.topics.jobs
        PRIORITY_JOBS_TOPIC     = local.topics.priority_jobs
        RESULTS_TOPIC           = local.topics.results
        SCHEDULES_TOPIC         = local.topics.schedules
        MAX_JOB_TIMEOUT_MS      = local.max_job_timeout_ms
        LOG_LEVEL               = local.settings.LOG_LEVEL
        MAX_LONG_JOB_TIMEOUT_MS = local.from_variables.MAX_LONG_JOB_TIMEOUT_MS
        LONG_JOBS_TOPIC         = local.long_jobs_topic_env
        # A scheduled job is held to its owner's quotas as a submitted one is.
        QUOTAS = local.from_variables.QUOTAS
      }
      secrets = {}
    }

    notifier = {
      entry_point = "notifier"
      runs_codex  = false
      description = "codex-jobs signed webhooks for finished jobs"
      memory      = "512Mi"
      cpu         = "1"
      # Deliveries mostly wait on remote endpoints and retry delays.
      concurrency     = 20
      min_instances   = 0
      max_instances   = 10
      timeout_seconds = 300
      ingress         = "ALLOW_INTERNAL_ONLY"
      env = {
        GOOGLE_CLOUD_PROJECT = var.project_id
        RESULTS_TOPIC        = local.topics.results
        WEBHOOK_RETRY_DELAYS = local.settings.WEBHOOK_RETRY_DELAYS
        LOG_LEVEL            = local.settings.LOG_LEVEL
        # Edits the GitHub reply comment of a job from GitHub when it ends (as the App).
        GITHUB_APP_ID = local.from_variables.GITHUB_APP_ID
        FORGE_HOSTS   = local.from_variables.FORGE_HOSTS
      }
      secrets = {
        WEBHOOK_SECRET         = var.webhook_secret_secret
        GITHUB_APP_PRIVATE_KEY = var.github_app_private_key_secret
        GIT_CREDENTIALS        = local.github_fallback_credentials_secret
      }
    }

    # Cloud Scheduler publishes to codex-sweeps every minute; one instance at a time sweeps.
    sweeper = {
      entry_point     = "sweeper"
      runs_codex      = false
      description     = "codex-jobs sweeper: requeues or ends stuck jobs"
      memory          = "512Mi"
      cpu             = "0.333"
      concurrency     = 1
      min_instances   = 0
      max_instances   = 1
      timeout_seconds = 300
      ingress         = "ALLOW_INTERNAL_ONLY"
      env = {
        GOOGLE_CLOUD_PROJECT = var.project_id
        JOBS_TOPIC           = local.topics.jobs
        PRIORITY_JOBS_TOPIC  = local.topics.priority_jobs
        RESULTS_TOPIC        = local.topics.results
        SWEEPS_TOPIC         = local.topics.sweeps
        # Republishes a stuck long-lane job to codex-jobs-long (empty when there is no long lane).
        LONG_JOBS_TOPIC         = local.long_jobs_topic_env
        MAX_ATTEMPTS            = local.settings.MAX_ATTEMPTS
        LOG_LEVEL               = local.settings.LOG_LEVEL
        SWEEP_BATCH             = local.from_variables.SWEEP_BATCH
        WEBHOOK_RESEND_AFTER_MS = local.from_variables.WEBHOOK_RESEND_AFTER_MS
      }
      secrets = {}
    }
  }

  processor_env = {
    GOOGLE_CLOUD_PROJECT = var.project_id
    UPLOADS_BUCKET       = local.buckets.uploads
    OUTPUTS_BUCKET       = local.buckets.outputs
    RESULTS_BUCKET       = local.buckets.results
    RESULTS_TOPIC        = local.topics.results
    CODEX_MODEL          = local.settings.CODEX_MODEL
    CODEX_SANDBOX        = local.settings.CODEX_SANDBOX
    MAX_ATTEMPTS         = local.settings.MAX_ATTEMPTS
    LOG_LEVEL            = local.settings.LOG_LEVEL
    # Workspaces (inputs and git) and outputs, as on the worker (worker.tf).
    WORKSPACE_MAX_BYTES   = local.from_variables.WORKSPACE_MAX_BYTES
    WORKSPACE_MAX_FILES   = local.from_variables.WORKSPACE_MAX_FILES
    GIT_ALLOWLIST         = local.from_variables.GIT_ALLOWLIST
    ALLOW_INSECURE_GIT    = local.from_variables.ALLOW_INSECURE_GIT
    OUTPUT_MAX_FILES      = local.from_variables.OUTPUT_MAX_FILES
    OUTPUT_MAX_BYTES      = local.from_variables.OUTPUT_MAX_BYTES
    PROCESSOR_CONCURRENCY = local.from_variables.PROCESSOR_CONCURRENCY
    # Environments: the setup phase's cache and network policy (as on the worker).
    ENV_CACHE_MAX_BYTES       = local.from_variables.ENV_CACHE_MAX_BYTES
    ENV_CACHE_TTL_DAYS        = local.from_variables.ENV_CACHE_TTL_DAYS
    NETWORK_PRIVATE_ALLOWLIST = local.from_variables.NETWORK_PRIVATE_ALLOWLIST
    # The claim applies concurrent_jobs and caps max_total_tokens at the quota left; the result's cost_usd.
    QUOTAS       = local.from_variables.QUOTAS
    MODEL_PRICES = local.from_variables.MODEL_PRICES
    # Delivery: the commits' author, each host's kind and API (pull/merge requests), the GitHub App.
    FORGE_HOSTS   = local.from_variables.FORGE_HOSTS
    GIT_AUTHOR    = local.from_variables.GIT_AUTHOR
    GITHUB_APP_ID = local.from_variables.GITHUB_APP_ID
  }
  # A secret id of null is not wired (git_credentials_secret is optional): secrets.tf and the
  # secret_environment_variables below skip it.
  processor_secrets = {
    OPENAI_API_KEY  = var.openai_api_key_secret
    GIT_CREDENTIALS = var.git_credentials_secret
    # Opens a job's environment secrets for its setup phase.
    ENV_SECRETS_KEY = var.env_secrets_key_secret
    # Delivery pushes and opens pull requests on GitHub with the App's installation token.
    GITHUB_APP_PRIVATE_KEY = var.github_app_private_key_secret
  }

  # Functions fed by push subscriptions (everything but the public API).
  pushed_functions = toset([for name, fn in local.functions : name if fn.ingress != "ALLOW_ALL"])

  # Where each deployment runs: Cloud Functions, or (what runs Codex) second-generation Cloud Run services.
  cloud_functions = { for name, fn in local.functions : name => fn if !fn.runs_codex }
  codex_services  = { for name, fn in local.functions : name => fn if fn.runs_codex }

  # The run.app URL and the Cloud Run service name of every deployment, whichever way it is deployed.
  service_uris = merge(
    { for name, fn in google_cloudfunctions2_function.fn : name => fn.service_config[0].uri },
    { for name, svc in google_cloud_run_v2_service.codex : name => svc.uri },
  )
  service_names = merge(
    { for name, fn in google_cloudfunctions2_function.fn : name => fn.name },
    { for name, svc in google_cloud_run_v2_service.codex : name => svc.name },
  )
}

# The deployed source: package files, the entry (dist/functions/index.js), each function's bundle
# (dist/functions/<name>/, made by `npm run build`: the files the tests ran) and the console's assets.
# The unbundled library (dist/shared), the client and the compile cache stay out: no function loads
# them (the cache serves only at the path it was made at, the image's /app; Cloud Functions runs from
# /workspace under its own Node build), nor do the source maps.
data "archive_file" "source" {
  type        = "zip"
  source_dir  = "${path.module}/.."
  output_path = "${path.module}/.build/codex-jobs-source.zip"
  excludes = [
    # Whole folders by name too, so the archive never walks them.
    ".git", "node_modules", "terraform", ".cache",
    ".git/**", ".ci/**", ".cache/**", "node_modules/**", "terraform/**", "docs/**",
    "functions/**", "shared/**", "dev/**", "test/**", "bench/**",
    "dist/dev/**", "dist/test/**", "dist/bench/**",
    "dist/shared/**", "dist/client/**", "dist/compile-cache/**", "dist/functions/worker/**",
    # Source maps: Node reads them only with --enable-source-maps; 15 MB of the bundles.
    "dist/**/*.map",
    "console/**", # the console's sources: the API serves dist/console
    "*.md", "*.json.bak", ".env*", ".gitignore", "firebase.json", "firestore.rules", "firestore.indexes.json",
    "tsconfig.json", "eslint.config.js",
  ]

  lifecycle {
    precondition {
      condition     = fileexists("${path.module}/../dist/functions/index.js")
      error_message = "dist/functions/index.js is missing: run `npm ci && npm run build` at the repository root first."
    }
  }
}

resource "google_storage_bucket" "source" {
  name                        = "${var.project_id}-codex-source"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  labels                      = local.labels
  depends_on                  = [google_project_service.apis]
}

resource "google_storage_bucket_object" "source" {
  # Named by content, so a new build makes a new object and a new revision of every function.
  name   = "source-${data.archive_file.source.output_md5}.zip"
  bucket = google_storage_bucket.source.name
  source = data.archive_file.source.output_path
}

resource "google_cloudfunctions2_function" "fn" {
  for_each    = local.cloud_functions
  name        = each.key
  location    = var.region
  description = each.value.description
  labels      = local.labels

  build_config {
    runtime         = "nodejs22"
    entry_point     = each.value.entry_point
    service_account = google_service_account.build.id
    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.source.name
      }
    }
    environment_variables = {
      # dist/ is built before upload; the archive has no TypeScript sources to build.
      GOOGLE_NODE_RUN_SCRIPTS = ""
    }
  }

  service_config {
    available_memory                 = each.value.memory
    available_cpu                    = each.value.cpu
    max_instance_request_concurrency = each.value.concurrency
    min_instance_count               = each.value.min_instances
    max_instance_count               = each.value.max_instances
    timeout_seconds                  = each.value.timeout_seconds
    ingress_settings                 = each.value.ingress
    all_traffic_on_latest_revision   = true
    service_account_email            = google_service_account.fn[each.key].email
    environment_variables            = each.value.env

    dynamic "secret_environment_variables" {
      for_each = { for name, secret in each.value.secrets : name => secret if secret != null }
      content {
        key        = secret_environment_variables.key
        project_id = var.project_id
        secret     = secret_environment_variables.value
        version    = "latest"
      }
    }
  }

  depends_on = [
    google_project_service.apis,
    google_secret_manager_secret_iam_member.accessor,
    google_project_iam_member.build,
  ]
}

# The processors: Cloud Run services of the image, on the second-generation execution environment
# (never left to Cloud Run's choice: under gVisor bubblewrap cannot make its namespaces). The container
# runs the Functions Framework with the function's target, as Cloud Functions would.
# A failed sandbox probe fails the revision: the module's top-level await rejects, the Functions
# Framework exits before it listens, the startup probe fails, and `apply` stops naming the revision
# while the previous revision (if any) keeps serving (docs/DEPLOY.md says why).
resource "google_cloud_run_v2_service" "codex" {
  for_each            = local.codex_services
  name                = each.key
  location            = var.region
  description         = each.value.description
  labels              = local.labels
  ingress             = "INGRESS_TRAFFIC_INTERNAL_ONLY"
  deletion_protection = false

  template {
    execution_environment            = "EXECUTION_ENVIRONMENT_GEN2"
    service_account                  = google_service_account.fn[each.key].email
    timeout                          = "${each.value.timeout_seconds}s"
    max_instance_request_concurrency = each.value.concurrency
    labels                           = local.labels

    scaling {
      min_instance_count = each.value.min_instances
      max_instance_count = each.value.max_instances
    }

    containers {
      name  = "processor"
      image = var.image
      # The image's Functions Framework (a production dependency) serves dist/functions/index.js.
      command = ["/app/node_modules/.bin/functions-framework"]
      args    = ["--target=${each.value.entry_point}", "--signature-type=http"]

      ports {
        container_port = 8080
      }

      resources {
        limits = {
          cpu    = each.value.cpu
          memory = each.value.memory
        }
        # CPU only while a request (a job) is running, as for a Cloud Function.
        cpu_idle          = true
        startup_cpu_boost = true
      }

      # Listening means the sandbox probe passed (the module awaits it before registering the target).
      startup_probe {
        tcp_socket {
          port = 8080
        }
        timeout_seconds   = 5
        period_seconds    = 10
        failure_threshold = 24
      }

      # FUNCTION_TARGET: dist/functions/index.js loads only this target's module.
      env {
        name  = "FUNCTION_TARGET"
        value = each.value.entry_point
      }

      dynamic "env" {
        for_each = each.value.env
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = { for name, secret in each.value.secrets : name => secret if secret != null }
        content {
          name = env.key
          value_source {
            secret_key_ref {
              secret  = data.google_secret_manager_secret.wired[env.value].secret_id
              version = "latest"
            }
          }
        }
      }
    }
  }

  lifecycle {
    precondition {
      condition     = local.processor_jobs_fit
      error_message = "processor_memory_gib (${var.processor_memory_gib} GiB) cannot hold processor_concurrency (${var.processor_concurrency}) jobs of ${local.job_memory_bytes} bytes each (runtime ${local.job_runtime_reserve_bytes} + workspace_max_bytes + output_max_bytes + dependency_cache_bytes): on Cloud Run the filesystem is memory. Raise processor_memory_gib or lower the limits (docs/DEPLOY.md, Memory)."
    }
  }

  depends_on = [
    google_project_service.apis,
    google_secret_manager_secret_iam_member.accessor,
  ]
}
