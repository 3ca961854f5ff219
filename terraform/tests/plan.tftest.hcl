# `tofu test` (run by `npm run check:terraform`): plans the whole configuration with a mocked google
# provider, so every reference, for_each key, precondition and provider-side value check is evaluated
# without credentials. The archive provider is real: the plan packs dist/ as a deploy would.

mock_provider "google" {
  # Mocked computed values are random strings by default, which the provider rejects where it expects
  # an IAM member or a service-account resource name; give them real shapes.
  mock_resource "google_service_account" {
    defaults = {
      name   = "projects/codex-example/serviceAccounts/codex-fn@codex-example.iam.gserviceaccount.com"
      email  = "codex-fn@codex-example.iam.gserviceaccount.com"
      member = "serviceAccount:codex-fn@codex-example.iam.gserviceaccount.com"
      id     = "projects/codex-example/serviceAccounts/codex-fn@codex-example.iam.gserviceaccount.com"
    }
  }
  mock_data "google_project" {
    defaults = {
      number = "123456789012"
    }
  }
}

# One example variable set: what a first deploy passes.
variables {
  project_id  = "codex-example"
  region      = "europe-west1"
  environment = "staging"
  image       = "europe-west1-docker.pkg.dev/codex-example/codex-jobs/codex-jobs:v1"
}

run "plans_the_whole_configuration" {
  command = plan

  assert {
    condition     = length(google_cloudfunctions2_function.fn) + length(google_cloud_run_v2_service.codex) == length(local.functions)
    error_message = "every function of local.functions is planned, as a Cloud Function or a Cloud Run service"
  }

  assert {
    condition     = alltrue([for f in google_cloudfunctions2_function.fn : f.build_config[0].runtime == "nodejs22"])
    error_message = "every function runs on nodejs22"
  }

  assert {
    # The source archive holds the build and the package files only: no sources, tests or node_modules
    # (each function's bundle carries its Google Cloud clients: about 7.5 MB in all).
    condition     = data.archive_file.source.output_size < 12 * 1024 * 1024
    error_message = "the function source archive is ${data.archive_file.source.output_size} bytes: something beyond dist/ and the package files is in it"
  }

  assert {
    condition     = local.pubsub_service_agent == "serviceAccount:service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com"
    error_message = "the Pub/Sub service agent is derived from the project number"
  }

  assert {
    condition = alltrue([
      contains(keys(google_project_iam_member.fn), "worker roles/datastore.user"),
      contains(keys(google_pubsub_topic_iam_member.fn), "worker codex-results roles/pubsub.publisher"),
      contains(keys(google_storage_bucket_iam_member.fn), "worker outputs roles/storage.objectUser"),
      contains(keys(google_storage_bucket_iam_member.fn), "worker results roles/storage.objectUser"),
      contains(keys(google_storage_bucket_iam_member.fn), "worker uploads roles/storage.objectViewer"),
      contains(keys(google_secret_manager_secret_iam_member.accessor), "worker OPENAI_API_KEY"),
      contains(keys(google_pubsub_subscription.push), "codex-jobs-long-dead-letter-processor"),
    ])
    error_message = "every address moved.tf moves to is planned"
  }

  # git_credentials_secret unset: GIT_CREDENTIALS is wired nowhere; the code's defaults are set.
  assert {
    condition     = !anytrue([for key in keys(google_secret_manager_secret_iam_member.accessor) : endswith(key, " GIT_CREDENTIALS")])
    error_message = "without git_credentials_secret no identity reads a GIT_CREDENTIALS secret"
  }

  assert {
    condition     = local.codex_services["processor"].env["WORKSPACE_MAX_BYTES"] == "268435456" && google_cloudfunctions2_function.fn["sweeper"].service_config[0].environment_variables["SWEEP_BATCH"] == "500" && google_cloudfunctions2_function.fn["sweeper"].service_config[0].environment_variables["WEBHOOK_RESEND_AFTER_MS"] == "900000"
    error_message = "the settings from variables default to shared/config.ts's defaults"
  }
}

# The workspace, git and output settings reach the processors and the worker; GIT_CREDENTIALS is a
# secret of those three identities only.
run "git_credentials_and_workspace_settings" {
  command = plan
  variables {
    git_credentials_secret   = "codex-jobs-git-credentials"
    git_allowlist            = ["git.internal.example", "10.0.0.0/8"]
    allow_insecure_git       = true
    workspace_max_files      = 5000
    output_max_bytes         = 536870912
    processor_concurrency    = 2
    long_job_timeout_seconds = 7200
  }

  assert {
    condition = alltrue([for name in ["processor", "processor-priority"] : contains(
      [for e in google_cloud_run_v2_service.codex[name].template[0].containers[0].env : "${e.name}=${e.value_source[0].secret_key_ref[0].secret}" if length(e.value_source) > 0],
      "GIT_CREDENTIALS=codex-jobs-git-credentials",
    )])
    error_message = "both processors get GIT_CREDENTIALS from the secret"
  }

  assert {
    condition = alltrue([for name in keys(google_cloudfunctions2_function.fn) : !contains(
      [for s in google_cloudfunctions2_function.fn[name].service_config[0].secret_environment_variables : s.key], "GIT_CREDENTIALS",
    )])
    error_message = "no other function gets GIT_CREDENTIALS"
  }

  assert {
    condition     = contains([for e in google_cloud_run_v2_worker_pool.worker.template[0].containers[0].env : "${e.name}=${e.value_source[0].secret_key_ref[0].secret}" if length(e.value_source) > 0], "GIT_CREDENTIALS=codex-jobs-git-credentials")
    error_message = "the worker gets GIT_CREDENTIALS from the secret"
  }

  assert {
    condition     = join(",", sort([for key in keys(google_secret_manager_secret_iam_member.accessor) : key if endswith(key, " GIT_CREDENTIALS")])) == "processor GIT_CREDENTIALS,processor-priority GIT_CREDENTIALS,worker GIT_CREDENTIALS"
    error_message = "only the processors and the worker may read the GIT_CREDENTIALS secret"
  }

  assert {
    condition = alltrue([for name in ["processor", "processor-priority"] : (
      { for e in google_cloud_run_v2_service.codex[name].template[0].containers[0].env : e.name => e.value if contains(["GIT_ALLOWLIST", "ALLOW_INSECURE_GIT", "WORKSPACE_MAX_FILES", "OUTPUT_MAX_BYTES", "PROCESSOR_CONCURRENCY"], e.name) } ==
      { GIT_ALLOWLIST = "git.internal.example,10.0.0.0/8", ALLOW_INSECURE_GIT = "1", WORKSPACE_MAX_FILES = "5000", OUTPUT_MAX_BYTES = "536870912", PROCESSOR_CONCURRENCY = "2" } &&
      google_cloud_run_v2_service.codex[name].template[0].max_instance_request_concurrency == 2
    )])
    error_message = "the processors get the git, workspace and output settings, and take PROCESSOR_CONCURRENCY requests at once"
  }

  assert {
    condition     = { for e in google_cloud_run_v2_worker_pool.worker.template[0].containers[0].env : e.name => e.value if e.value != null && e.value != "" && contains(["GIT_ALLOWLIST", "WORKSPACE_MAX_FILES", "OUTPUT_MAX_BYTES", "MAX_LONG_JOB_TIMEOUT_MS", "PROCESSOR_CONCURRENCY"], e.name) } == { GIT_ALLOWLIST = "git.internal.example,10.0.0.0/8", WORKSPACE_MAX_FILES = "5000", OUTPUT_MAX_BYTES = "536870912", MAX_LONG_JOB_TIMEOUT_MS = "7200000" }
    error_message = "the worker gets the git, workspace, output and long-lane settings, and no PROCESSOR_CONCURRENCY"
  }

  assert {
    condition = alltrue([for name in ["enqueue", "storage-trigger", "scheduler"] :
    google_cloudfunctions2_function.fn[name].service_config[0].environment_variables["MAX_LONG_JOB_TIMEOUT_MS"] == "7200000"])
    error_message = "the producers route and check long jobs against long_job_timeout_seconds"
  }
}

# Each variable validation rejects a bad value.
run "environment_must_be_lowercase" {
  command = plan
  variables {
    environment = "Prod"
  }
  expect_failures = [var.environment]
}

run "max_concurrent_jobs_at_least_one" {
  command = plan
  variables {
    max_concurrent_jobs = 0
  }
  expect_failures = [var.max_concurrent_jobs]
}

run "max_priority_jobs_at_most_1000" {
  command = plan
  variables {
    max_priority_jobs = 1001
  }
  expect_failures = [var.max_priority_jobs]
}

# MAX_JOB_TIMEOUT_MS is at most 540000 on the push lanes (a push request lives at most 600 s).
run "job_timeout_seconds_bounded" {
  command = plan
  variables {
    job_timeout_seconds = 541
  }
  expect_failures = [var.job_timeout_seconds]
}

run "git_credentials_secret_is_a_secret_id" {
  command = plan
  variables {
    git_credentials_secret = "projects/p/secrets/git"
  }
  expect_failures = [var.git_credentials_secret]
}

run "git_allowlist_entries_are_single_hosts" {
  command = plan
  variables {
    git_allowlist = ["a.example,b.example"]
  }
  expect_failures = [var.git_allowlist]
}

run "workspace_max_bytes_at_least_one" {
  command = plan
  variables {
    workspace_max_bytes = 0
  }
  expect_failures = [var.workspace_max_bytes]
}

run "workspace_max_files_whole" {
  command = plan
  variables {
    workspace_max_files = 1.5
  }
  expect_failures = [var.workspace_max_files]
}

run "output_max_files_at_most_a_million" {
  command = plan
  variables {
    output_max_files = 1000001
  }
  expect_failures = [var.output_max_files]
}

run "output_max_bytes_at_most_2_pow_50" {
  command = plan
  variables {
    output_max_bytes = 1125899906842625
  }
  expect_failures = [var.output_max_bytes]
}

run "processor_concurrency_at_least_one" {
  command = plan
  variables {
    processor_concurrency = 0
  }
  expect_failures = [var.processor_concurrency]
}

run "sweep_batch_at_most_10000" {
  command = plan
  variables {
    sweep_batch = 10001
  }
  expect_failures = [var.sweep_batch]
}

# MAX_LONG_JOB_TIMEOUT_MS is at most 24 h, and never below MAX_JOB_TIMEOUT_MS (≤ 540 s).
run "long_job_timeout_seconds_at_most_a_day" {
  command = plan
  variables {
    long_job_timeout_seconds = 86401
  }
  expect_failures = [var.long_job_timeout_seconds]
}

run "long_job_timeout_seconds_not_below_the_push_lanes" {
  command = plan
  variables {
    long_job_timeout_seconds = 539
  }
  expect_failures = [var.long_job_timeout_seconds]
}

run "sweeper_every_minute" {
  command = plan

  assert {
    condition     = google_cloud_scheduler_job.sweep.schedule == "* * * * *" && length(google_pubsub_subscription.push["codex-sweeps-sweeper"].push_config) == 1
    error_message = "Cloud Scheduler ticks codex-sweeps every minute and the sweeper gets the push"
  }

  assert {
    condition     = google_pubsub_subscription.push["codex-jobs-processor"].dead_letter_policy[0].max_delivery_attempts == 100 && google_pubsub_subscription.push["codex-results-notifier"].dead_letter_policy[0].max_delivery_attempts == 5
    error_message = "job subscriptions dead-letter after 100 attempts, the others after 5"
  }

  assert {
    condition     = length(google_pubsub_subscription.push["codex-jobs-dead-letter-processor"].dead_letter_policy) == 0 && google_pubsub_subscription.push["codex-jobs-dead-letter-processor"].message_retention_duration == "86400s"
    error_message = "the dead-letter subscription back to the processor has no dead-letter topic and keeps a message at most a day"
  }
}

# Environments (v4): ENV_SECRETS_KEY is a secret of the API (seals) and of what runs jobs (opens), like
# WEBHOOK_SECRET is the notifier's; the cache and private-host settings reach the processors and the
# worker; caches under env-cache/ of the results bucket expire after env_cache_ttl_days.
run "environment_settings" {
  command = plan
  variables {
    env_cache_max_bytes       = 1073741824
    env_cache_ttl_days        = 3
    network_private_allowlist = ["registry.internal.example", "10.1.0.0/16"]
  }

  assert {
    condition     = join(",", sort([for key in keys(google_secret_manager_secret_iam_member.accessor) : key if endswith(key, " ENV_SECRETS_KEY")])) == "enqueue ENV_SECRETS_KEY,processor ENV_SECRETS_KEY,processor-priority ENV_SECRETS_KEY,worker ENV_SECRETS_KEY"
    error_message = "exactly enqueue, the processors and the worker may read the ENV_SECRETS_KEY secret"
  }

  assert {
    condition = alltrue([for name in ["processor", "processor-priority"] : contains(
      [for e in google_cloud_run_v2_service.codex[name].template[0].containers[0].env : "${e.name}=${e.value_source[0].secret_key_ref[0].secret}" if length(e.value_source) > 0],
      "ENV_SECRETS_KEY=codex-jobs-env-secrets-key"
    )]) && contains([for v in google_cloudfunctions2_function.fn["enqueue"].service_config[0].secret_environment_variables : "${v.key}=${v.secret}"], "ENV_SECRETS_KEY=codex-jobs-env-secrets-key")
    error_message = "ENV_SECRETS_KEY is a secret environment variable of enqueue and the processors"
  }

  assert {
    condition     = contains([for e in google_cloud_run_v2_worker_pool.worker.template[0].containers[0].env : "${e.name}=${e.value_source[0].secret_key_ref[0].secret}" if length(e.value_source) > 0], "ENV_SECRETS_KEY=codex-jobs-env-secrets-key")
    error_message = "the worker gets ENV_SECRETS_KEY from Secret Manager"
  }

  assert {
    condition = alltrue([for name in ["processor", "processor-priority"] : (
      { for e in google_cloud_run_v2_service.codex[name].template[0].containers[0].env : e.name => e.value if contains(["ENV_CACHE_MAX_BYTES", "ENV_CACHE_TTL_DAYS", "NETWORK_PRIVATE_ALLOWLIST"], e.name) } ==
      { ENV_CACHE_MAX_BYTES = "1073741824", ENV_CACHE_TTL_DAYS = "3", NETWORK_PRIVATE_ALLOWLIST = "registry.internal.example,10.1.0.0/16" }
      )]) && (
      { for e in google_cloud_run_v2_worker_pool.worker.template[0].containers[0].env : e.name => e.value if contains(["ENV_CACHE_MAX_BYTES", "ENV_CACHE_TTL_DAYS", "NETWORK_PRIVATE_ALLOWLIST"], e.name) } ==
      { ENV_CACHE_MAX_BYTES = "1073741824", ENV_CACHE_TTL_DAYS = "3", NETWORK_PRIVATE_ALLOWLIST = "registry.internal.example,10.1.0.0/16" }
    )
    error_message = "the cache and private-host settings reach the processors and the worker"
  }

  assert {
    condition     = length([for r in google_storage_bucket.data["results"].lifecycle_rule : r if try(one(r.condition).age == 3 && contains(one(r.condition).matches_prefix, "env-cache/"), false)]) == 1 && length([for r in google_storage_bucket.data["outputs"].lifecycle_rule : r if try(contains(one(r.condition).matches_prefix, "env-cache/"), false)]) == 0
    error_message = "the results bucket (only) deletes env-cache/ objects after env_cache_ttl_days"
  }
}

# Usage (issue 25): QUOTAS reaches every function that applies a quota (submit and GET /usage, intake,
# the claim), MODEL_PRICES what prices a job (the processors and the worker); the usage collections expire.
run "usage_settings" {
  command = plan
  variables {
    quotas       = "*:tokens_per_day=1000;ci-bot:concurrent_jobs=2"
    model_prices = "gpt-5-codex=1.25:0.125:10"
  }

  assert {
    condition     = alltrue([for name in ["enqueue", "storage-trigger", "scheduler"] : google_cloudfunctions2_function.fn[name].service_config[0].environment_variables["QUOTAS"] == "*:tokens_per_day=1000;ci-bot:concurrent_jobs=2"]) && !contains(keys(google_cloudfunctions2_function.fn["notifier"].service_config[0].environment_variables), "QUOTAS") && alltrue([for name in ["enqueue", "storage-trigger", "scheduler", "notifier", "sweeper"] : !contains(keys(google_cloudfunctions2_function.fn[name].service_config[0].environment_variables), "MODEL_PRICES")])
    error_message = "QUOTAS reaches enqueue and the intake functions; MODEL_PRICES none of the Cloud Functions"
  }

  assert {
    condition = alltrue([for name in ["processor", "processor-priority"] : (
      { for e in google_cloud_run_v2_service.codex[name].template[0].containers[0].env : e.name => e.value if contains(["QUOTAS", "MODEL_PRICES"], e.name) } ==
      { QUOTAS = "*:tokens_per_day=1000;ci-bot:concurrent_jobs=2", MODEL_PRICES = "gpt-5-codex=1.25:0.125:10" }
      )]) && (
      { for e in google_cloud_run_v2_worker_pool.worker.template[0].containers[0].env : e.name => e.value if contains(["QUOTAS", "MODEL_PRICES"], e.name) } ==
      { QUOTAS = "*:tokens_per_day=1000;ci-bot:concurrent_jobs=2", MODEL_PRICES = "gpt-5-codex=1.25:0.125:10" }
    )
    error_message = "QUOTAS and MODEL_PRICES reach the processors and the worker"
  }

  assert {
    condition     = alltrue([for key in ["usage/expire_at", "usage_records/expire_at"] : length(google_firestore_field.override[key].ttl_config) == 1])
    error_message = "usage days and usage_records markers have a TTL policy on expire_at"
  }
}

# Delivery and jobs from GitHub (issue 24): the webhook secret is the API's alone; the App's key reaches
# what acts as the App (the API replies, the processors and the worker push and open pull requests,
# the notifier edits the reply); the settings reach the functions that read them.
run "forge_settings" {
  command = plan
  variables {
    github_webhook_secret_secret  = "codex-jobs-github-webhook-secret"
    github_app_private_key_secret = "codex-jobs-github-app-private-key"
    github_app_id                 = "123456"
    github_repos                  = ["acme/widgets=ci-bot", "acme-labs/*=labs"]
    forge_hosts                   = ["ghe.acme.example=github@https://ghe.acme.example/api/v3", "gitlab.acme.example=gitlab"]
    git_author                    = "Acme Bot <bot@acme.example>"
    trigger_phrase                = "/codex"
    trigger_label                 = "ai-fix"
  }

  assert {
    condition     = join(",", sort([for key in keys(google_secret_manager_secret_iam_member.accessor) : key if endswith(key, " GITHUB_WEBHOOK_SECRET")])) == "enqueue GITHUB_WEBHOOK_SECRET"
    error_message = "only the API may read the GitHub webhook secret"
  }

  assert {
    condition     = join(",", sort([for key in keys(google_secret_manager_secret_iam_member.accessor) : key if endswith(key, " GITHUB_APP_PRIVATE_KEY")])) == "enqueue GITHUB_APP_PRIVATE_KEY,notifier GITHUB_APP_PRIVATE_KEY,processor GITHUB_APP_PRIVATE_KEY,processor-priority GITHUB_APP_PRIVATE_KEY,worker GITHUB_APP_PRIVATE_KEY"
    error_message = "exactly the API, the notifier, the processors and the worker may read the GitHub App's private key"
  }

  assert {
    condition = alltrue([for name in ["enqueue", "notifier"] : contains(
      [for v in google_cloudfunctions2_function.fn[name].service_config[0].secret_environment_variables : "${v.key}=${v.secret}"], "GITHUB_APP_PRIVATE_KEY=codex-jobs-github-app-private-key"
      )]) && contains([for v in google_cloudfunctions2_function.fn["enqueue"].service_config[0].secret_environment_variables : "${v.key}=${v.secret}"], "GITHUB_WEBHOOK_SECRET=codex-jobs-github-webhook-secret") && alltrue([for name in ["processor", "processor-priority"] : contains(
      [for e in google_cloud_run_v2_service.codex[name].template[0].containers[0].env : "${e.name}=${e.value_source[0].secret_key_ref[0].secret}" if length(e.value_source) > 0], "GITHUB_APP_PRIVATE_KEY=codex-jobs-github-app-private-key"
    )]) && contains([for e in google_cloud_run_v2_worker_pool.worker.template[0].containers[0].env : "${e.name}=${e.value_source[0].secret_key_ref[0].secret}" if length(e.value_source) > 0], "GITHUB_APP_PRIVATE_KEY=codex-jobs-github-app-private-key")
    error_message = "the GitHub secrets are secret environment variables from Secret Manager"
  }

  assert {
    condition = (
      { for k, v in google_cloudfunctions2_function.fn["enqueue"].service_config[0].environment_variables : k => v if contains(["GITHUB_REPOS", "TRIGGER_PHRASE", "TRIGGER_LABEL", "GITHUB_APP_ID", "FORGE_HOSTS", "GIT_AUTHOR"], k) } ==
      { GITHUB_REPOS = "acme/widgets=ci-bot,acme-labs/*=labs", TRIGGER_PHRASE = "/codex", TRIGGER_LABEL = "ai-fix", GITHUB_APP_ID = "123456", FORGE_HOSTS = "ghe.acme.example=github@https://ghe.acme.example/api/v3,gitlab.acme.example=gitlab" }
      ) && (
      { for k, v in google_cloudfunctions2_function.fn["notifier"].service_config[0].environment_variables : k => v if contains(["GITHUB_REPOS", "GITHUB_APP_ID", "FORGE_HOSTS", "GIT_AUTHOR"], k) } == { GITHUB_APP_ID = "123456", FORGE_HOSTS = "ghe.acme.example=github@https://ghe.acme.example/api/v3,gitlab.acme.example=gitlab" }
    )
    error_message = "the API gets the repositories, phrase, label, App id and forge hosts; the notifier the App id and forge hosts"
  }

  assert {
    condition     = !anytrue([for key in keys(google_secret_manager_secret_iam_member.accessor) : endswith(key, " GIT_CREDENTIALS")])
    error_message = "with the App, no git credentials are wired (git_credentials_secret is unset here)"
  }

  assert {
    condition = alltrue([for name in ["processor", "processor-priority"] : (
      { for e in google_cloud_run_v2_service.codex[name].template[0].containers[0].env : e.name => e.value if contains(["FORGE_HOSTS", "GIT_AUTHOR", "GITHUB_APP_ID", "GITHUB_REPOS", "TRIGGER_PHRASE"], e.name) } ==
      { FORGE_HOSTS = "ghe.acme.example=github@https://ghe.acme.example/api/v3,gitlab.acme.example=gitlab", GIT_AUTHOR = "Acme Bot <bot@acme.example>", GITHUB_APP_ID = "123456" }
      )]) && (
      { for e in google_cloud_run_v2_worker_pool.worker.template[0].containers[0].env : e.name => e.value if contains(["FORGE_HOSTS", "GIT_AUTHOR", "GITHUB_APP_ID"], e.name) } ==
      { FORGE_HOSTS = "ghe.acme.example=github@https://ghe.acme.example/api/v3,gitlab.acme.example=gitlab", GIT_AUTHOR = "Acme Bot <bot@acme.example>", GITHUB_APP_ID = "123456" }
    )
    error_message = "the processors and the worker get the forge hosts, the commits' author and the App id"
  }
}

# Jobs from GitHub without the App: the API and the notifier call GitHub with GIT_CREDENTIALS' token.
run "github_without_the_app_uses_git_credentials" {
  command = plan
  variables {
    github_webhook_secret_secret = "codex-jobs-github-webhook-secret"
    git_credentials_secret       = "codex-jobs-git-credentials"
    github_repos                 = ["acme/widgets=ci-bot"]
  }

  assert {
    condition     = join(",", sort([for key in keys(google_secret_manager_secret_iam_member.accessor) : key if endswith(key, " GIT_CREDENTIALS")])) == "enqueue GIT_CREDENTIALS,notifier GIT_CREDENTIALS,processor GIT_CREDENTIALS,processor-priority GIT_CREDENTIALS,worker GIT_CREDENTIALS"
    error_message = "without the App, the API and the notifier read GIT_CREDENTIALS too (for the reply comment)"
  }

  assert {
    condition     = alltrue([for name in ["enqueue", "notifier"] : contains([for v in google_cloudfunctions2_function.fn[name].service_config[0].secret_environment_variables : "${v.key}=${v.secret}"], "GIT_CREDENTIALS=codex-jobs-git-credentials")])
    error_message = "GIT_CREDENTIALS is a secret environment variable of the API and the notifier"
  }
}

run "github_app_id_needs_the_private_key" {
  command = plan
  variables {
    github_app_id = "123456"
  }
  expect_failures = [var.github_app_id]
}

# Without the GitHub secrets (the defaults) nothing reads them.
run "forge_secrets_are_optional" {
  command = plan

  assert {
    condition     = !anytrue([for key in keys(google_secret_manager_secret_iam_member.accessor) : endswith(key, " GITHUB_WEBHOOK_SECRET") || endswith(key, " GITHUB_APP_PRIVATE_KEY")])
    error_message = "without the GitHub secrets no identity reads them"
  }
}

run "forge_hosts_names_a_kind" {
  command = plan
  variables {
    forge_hosts = ["git.acme.example=gitea"]
  }
  expect_failures = [var.forge_hosts]
}
