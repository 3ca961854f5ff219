# The long lane: topic codex-jobs-long, the pull subscription codex-jobs-long-worker (job-lane retry and
# dead-letter rules), and the `worker` on a Cloud Run worker pool with its own least-privilege identity.
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

  # Producers route timeout_ms above MAX_JOB_TIMEOUT_MS here (shared/jobs/job-lane.ts).
  long_lane_producers = toset(["enqueue", "storage-trigger", "scheduler"])

  worker_env = merge(local.processor_env, {
    LONG_JOBS_TOPIC        = local.long_lane.topic
    LONG_JOBS_SUBSCRIPTION = local.long_lane.subscription
    WORKER_CONCURRENCY     = tostring(var.worker_concurrency)
    # Cloud Run gives a worker pool instance 10 s after SIGTERM: running jobs get 8 s, then are given back.
    WORKER_GRACE_MS = "8000"
  })
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

resource "google_pubsub_subscription" "long_lane_dead_letter" {
  name                       = local.long_lane.dead_letter_subscription
  topic                      = google_pubsub_topic.long_lane[local.long_lane.dead_letter_topic].id
  labels                     = local.labels
  ack_deadline_seconds       = 60
  message_retention_duration = "604800s"

  push_config {
    push_endpoint = "${google_cloudfunctions2_function.fn[local.long_lane.dead_letter_function].service_config[0].uri}/projects/${var.project_id}/topics/${local.long_lane.dead_letter_topic}"
    oidc_token {
      service_account_email = google_service_account.push.email
      audience              = google_cloudfunctions2_function.fn[local.long_lane.dead_letter_function].service_config[0].uri
    }
  }

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  expiration_policy {
    ttl = ""
  }

  depends_on = [google_cloud_run_service_iam_member.push_invoker]
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

resource "google_pubsub_topic_iam_member" "long_lane_producers" {
  for_each = local.long_lane_producers
  topic    = google_pubsub_topic.long_lane[local.long_lane.topic].id
  role     = "roles/pubsub.publisher"
  member   = google_service_account.fn[each.key].member
}

# The worker's identity: what the processor may do, plus consuming its one subscription.
resource "google_service_account" "worker" {
  account_id   = "codex-worker"
  display_name = "codex-jobs long-lane worker"
  depends_on   = [google_project_service.apis]
}

resource "google_project_iam_member" "worker_firestore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = google_service_account.worker.member
}

resource "google_pubsub_subscription_iam_member" "worker_consumes" {
  subscription = google_pubsub_subscription.long_lane_worker.id
  role         = "roles/pubsub.subscriber"
  member       = google_service_account.worker.member
}

resource "google_pubsub_topic_iam_member" "worker_publishes_results" {
  topic  = google_pubsub_topic.all[local.topics.results].id
  role   = "roles/pubsub.publisher"
  member = google_service_account.worker.member
}

# As the processors: outputs and result.json rewritten by a takeover, sessions read and replaced,
# workspace inputs (uploads, dropped archives) read.
resource "google_storage_bucket_iam_member" "worker" {
  for_each = { outputs = "roles/storage.objectUser", results = "roles/storage.objectUser", uploads = "roles/storage.objectViewer" }
  bucket   = google_storage_bucket.data[each.key].name
  role     = each.value
  member   = google_service_account.worker.member
}

data "google_secret_manager_secret" "worker_openai_api_key" {
  project   = var.project_id
  secret_id = var.openai_api_key_secret
}

resource "google_secret_manager_secret_iam_member" "worker_openai_api_key" {
  project   = var.project_id
  secret_id = data.google_secret_manager_secret.worker_openai_api_key.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.worker.member
}

resource "google_cloud_run_v2_worker_pool" "worker" {
  name                = "codex-worker"
  location            = var.region
  description         = "codex-jobs long-lane worker: streaming pull on ${local.long_lane.subscription}"
  labels              = local.labels
  deletion_protection = false

  scaling {
    scaling_mode       = "AUTOMATIC"
    min_instance_count = var.worker_min_instances
    max_instance_count = var.worker_max_instances
  }

  template {
    service_account = google_service_account.worker.email

    containers {
      name  = "worker"
      image = var.worker_image

      resources {
        limits = {
          cpu    = "2"
          memory = "4Gi"
        }
      }

      dynamic "env" {
        for_each = local.worker_env
        content {
          name  = env.key
          value = env.value
        }
      }

      env {
        name = "OPENAI_API_KEY"
        value_source {
          secret_key_ref {
            secret  = data.google_secret_manager_secret.worker_openai_api_key.secret_id
            version = "latest"
          }
        }
      }
    }
  }

  depends_on = [
    google_secret_manager_secret_iam_member.worker_openai_api_key,
    google_pubsub_subscription_iam_member.worker_consumes,
  ]
}
