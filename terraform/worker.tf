# The long lane: topic codex-jobs-long, the pull subscription codex-jobs-long-worker (job-lane retry and
# dead-letter rules), and the `worker` on a Cloud Run worker pool with its own least-privilege identity
# (its roles and secrets are bound with the functions' in iam.tf and secrets.tf; its dead-letter push
# subscription is one of pubsub.tf's).
# The same table as dev/topology.ts longLane(), which the local stack builds (test/unit/terraform
# checks both). GKE + KEDA instead of the worker pool: deploy/k8s/ (docs/DEPLOY.md says which to choose).

locals {
  long_lane = {
    topic             = "codex-jobs-long"
    dead_letter_topic = "codex-jobs-long-dead-letter"
    subscription      = "codex-jobs-long-worker"
    # The worker's client extends the deadline while a job runs; this is only the starting lease.
    ack_deadline_seconds = 60
    ordered              = true
    # Waiting for capacity is not a failure: dead-letter only after many deliveries.
    max_delivery_attempts = 100
    # A dead-lettered long job goes to a processor, which marks it failed (dead_lettered).
    dead_letter_subscription = "codex-jobs-long-dead-letter-processor"
    dead_letter_function     = "processor"
  }

  # Producers route timeout_ms above MAX_JOB_TIMEOUT_MS here (shared/jobs/job-lane.ts); their publisher
  # role on the topic is in iam.tf function_access. With no worker instance there is no long lane: the
  # producers get LONG_JOBS_TOPIC empty and refuse such jobs instead of queueing jobs nothing runs.
  long_lane_enabled   = var.worker_instances > 0
  long_jobs_topic_env = local.long_lane_enabled ? local.long_lane.topic : ""

  # The processor's environment (the same job code) but its push-lane gate, PROCESSOR_CONCURRENCY:
  # the worker's is WORKER_CONCURRENCY.
  worker_env = merge({ for name, value in local.processor_env : name => value if name != "PROCESSOR_CONCURRENCY" }, {
    LONG_JOBS_TOPIC         = local.long_lane.topic
    LONG_JOBS_SUBSCRIPTION  = local.long_lane.subscription
    MAX_LONG_JOB_TIMEOUT_MS = local.from_variables.MAX_LONG_JOB_TIMEOUT_MS
    WORKER_CONCURRENCY      = tostring(var.worker_concurrency)
    # Cloud Run gives a worker pool instance 10 s after SIGTERM: running jobs get 8 s, then are given back.
    WORKER_GRACE_MS = "8000"
  })
  # The processor's secrets (OPENAI_API_KEY, GIT_CREDENTIALS and GITHUB_APP_PRIVATE_KEY when set), bound in secrets.tf.
  worker_secrets = local.processor_secrets

  # A dead-lettered long job is pushed to a processor, which marks it failed (dead_lettered): one of
  # pubsub.tf's push subscriptions, with the dead-letter policy (60–600 s, 1 day, no dead-letter topic
  # of its own, so it cannot loop), as dev/topology.ts longLane() gives it locally.
  long_lane_push_subscriptions = {
    (local.long_lane.dead_letter_subscription) = {
      topic                = local.long_lane.dead_letter_topic
      function             = local.long_lane.dead_letter_function
      dead_letter_topic    = null
      ack_deadline_seconds = 60
      ordered              = false
      policy               = "dead_letter"
    }
  }
}

resource "google_pubsub_topic" "long_lane" {
  for_each                   = toset([local.long_lane.topic, local.long_lane.dead_letter_topic])
  name                       = each.key
  labels                     = local.labels
  message_retention_duration = "604800s"
  depends_on                 = [google_project_service.apis]
}

resource "google_pubsub_subscription" "long_lane_worker" {
  name   = local.long_lane.subscription
  topic  = google_pubsub_topic.long_lane[local.long_lane.topic].id
  labels = local.labels

  ack_deadline_seconds       = local.long_lane.ack_deadline_seconds
  enable_message_ordering    = local.long_lane.ordered
  message_retention_duration = "604800s"

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.long_lane[local.long_lane.dead_letter_topic].id
    max_delivery_attempts = local.long_lane.max_delivery_attempts
  }

  expiration_policy {
    ttl = ""
  }
}

# Dead-lettering: the Pub/Sub service agent publishes to the dead-letter topic and acks the source.
resource "google_pubsub_topic_iam_member" "long_lane_dead_letter_publisher" {
  topic  = google_pubsub_topic.long_lane[local.long_lane.dead_letter_topic].id
  role   = "roles/pubsub.publisher"
  member = local.pubsub_service_agent
}

resource "google_pubsub_subscription_iam_member" "long_lane_dead_letter_subscriber" {
  subscription = google_pubsub_subscription.long_lane_worker.id
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_service_agent
}

# The worker's identity: what the processor may do (local.function_access.worker), plus consuming its
# one subscription.
resource "google_service_account" "worker" {
  account_id   = "codex-worker"
  display_name = "codex-jobs long-lane worker"
  depends_on   = [google_project_service.apis]
}

resource "google_pubsub_subscription_iam_member" "worker_consumes" {
  subscription = google_pubsub_subscription.long_lane_worker.id
  role         = "roles/pubsub.subscriber"
  member       = google_service_account.worker.member
}

resource "google_cloud_run_v2_worker_pool" "worker" {
  name                = "codex-worker"
  location            = var.region
  description         = "codex-jobs long-lane worker: streaming pull on ${local.long_lane.subscription}"
  labels              = local.labels
  deletion_protection = false

  # Worker pools take only manual scaling (manual_instance_count; provider issue 26525). They always
  # run on the second-generation execution environment (Cloud Run has no other for worker pools), where
  # the Codex sandbox works.
  scaling {
    scaling_mode          = "MANUAL"
    manual_instance_count = var.worker_instances
  }

  template {
    service_account = google_service_account.worker.email

    containers {
      name  = "worker"
      image = var.image
      # The image's CMD: node dist/functions/worker.js (the sandbox probe passes before it pulls).

      resources {
        limits = {
          cpu    = local.worker_cpu
          memory = "${var.worker_memory_gib}Gi"
        }
      }

      dynamic "env" {
        for_each = local.worker_env
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = { for name, secret in local.worker_secrets : name => secret if secret != null }
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
      condition     = local.worker_jobs_fit
      error_message = "worker_memory_gib (${var.worker_memory_gib} GiB) cannot hold worker_concurrency (${var.worker_concurrency}) jobs of ${local.job_memory_bytes} bytes each (runtime ${local.job_runtime_reserve_bytes} + workspace_max_bytes + output_max_bytes + dependency_cache_bytes): on Cloud Run the filesystem is memory. Raise worker_memory_gib or lower the limits (docs/DEPLOY.md, Memory)."
    }
  }

  depends_on = [
    google_secret_manager_secret_iam_member.accessor,
    google_pubsub_subscription_iam_member.worker_consumes,
  ]
}
