# Topics, dead-letter topics and subscriptions: the same table as dev/topology.ts subscriptions(),
# which the local stack builds (test/unit/terraform checks that both stay equal).

locals {
  push_subscriptions = {
    "codex-jobs-processor" = {
      topic                = local.topics.jobs
      function             = "processor"
      dead_letter_topic    = local.dead_letter_topics.jobs
      ack_deadline_seconds = 600
      ordered              = true
    }
    "codex-jobs-priority-processor-priority" = {
      topic                = local.topics.priority_jobs
      function             = "processor-priority"
      dead_letter_topic    = local.dead_letter_topics.priority_jobs
      ack_deadline_seconds = 600
      ordered              = true
    }
    "codex-results-notifier" = {
      topic                = local.topics.results
      function             = "notifier"
      dead_letter_topic    = local.dead_letter_topics.results
      ack_deadline_seconds = 120
      ordered              = false
    }
    "codex-schedules-scheduler" = {
      topic                = local.topics.schedules
      function             = "scheduler"
      dead_letter_topic    = local.dead_letter_topics.schedules
      ack_deadline_seconds = 60
      ordered              = false
    }
    "codex-storage-events-storage-trigger" = {
      topic                = local.topics.storage_events
      function             = "storage-trigger"
      dead_letter_topic    = local.dead_letter_topics.storage_events
      ack_deadline_seconds = 120
      ordered              = false
    }
    # A dead-lettered job message goes back to a processor, which marks the job failed (dead_lettered).
    "codex-jobs-dead-letter-processor" = {
      topic                = local.dead_letter_topics.jobs
      function             = "processor"
      dead_letter_topic    = null
      ack_deadline_seconds = 60
      ordered              = false
    }
    "codex-jobs-priority-dead-letter-processor-priority" = {
      topic                = local.dead_letter_topics.priority_jobs
      function             = "processor-priority"
      dead_letter_topic    = null
      ack_deadline_seconds = 60
      ordered              = false
    }
  }

  # The other dead letters are kept for inspection (and alerted on, see monitoring.tf).
  hold_subscriptions = {
    "codex-results-dead-letter-hold" = {
      topic                = local.dead_letter_topics.results
      ack_deadline_seconds = 60
    }
    "codex-schedules-dead-letter-hold" = {
      topic                = local.dead_letter_topics.schedules
      ack_deadline_seconds = 60
    }
    "codex-storage-events-dead-letter-hold" = {
      topic                = local.dead_letter_topics.storage_events
      ack_deadline_seconds = 60
    }
  }

  dead_lettering_subscriptions = { for name, s in local.push_subscriptions : name => s if s.dead_letter_topic != null }
}

resource "google_pubsub_topic" "all" {
  for_each                   = toset(concat(values(local.topics), values(local.dead_letter_topics)))
  name                       = each.key
  labels                     = local.labels
  message_retention_duration = "604800s"
  depends_on                 = [google_project_service.apis]
}

resource "google_pubsub_subscription" "push" {
  for_each = local.push_subscriptions
  name     = each.key
  topic    = google_pubsub_topic.all[each.value.topic].id
  labels   = local.labels

  ack_deadline_seconds       = each.value.ack_deadline_seconds
  enable_message_ordering    = each.value.ordered
  message_retention_duration = "604800s"

  push_config {
    # The same path as the local stack (dev/topology.ts pushEndpoint) on the function's run.app URL.
    push_endpoint = "${google_cloudfunctions2_function.fn[each.value.function].service_config[0].uri}/projects/${var.project_id}/topics/${each.value.topic}"
    oidc_token {
      service_account_email = google_service_account.push.email
      audience              = google_cloudfunctions2_function.fn[each.value.function].service_config[0].uri
    }
  }

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  dynamic "dead_letter_policy" {
    for_each = each.value.dead_letter_topic == null ? [] : [each.value.dead_letter_topic]
    content {
      dead_letter_topic     = google_pubsub_topic.all[dead_letter_policy.value].id
      max_delivery_attempts = local.max_delivery_attempts
    }
  }

  # Never expire for inactivity (the default is 31 days).
  expiration_policy {
    ttl = ""
  }

  depends_on = [
    google_cloud_run_service_iam_member.push_invoker,
    google_service_account_iam_member.pubsub_mints_push_tokens,
  ]
}

resource "google_pubsub_subscription" "hold" {
  for_each                   = local.hold_subscriptions
  name                       = each.key
  topic                      = google_pubsub_topic.all[each.value.topic].id
  labels                     = local.labels
  ack_deadline_seconds       = each.value.ack_deadline_seconds
  message_retention_duration = "604800s"
  retain_acked_messages      = false

  expiration_policy {
    ttl = ""
  }
}

# Dead-lettering: the Pub/Sub service agent publishes to the dead-letter topic and acks on the source subscription.
resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  for_each = local.dead_lettering_subscriptions
  topic    = google_pubsub_topic.all[each.value.dead_letter_topic].id
  role     = "roles/pubsub.publisher"
  member   = local.pubsub_service_agent
}

resource "google_pubsub_subscription_iam_member" "dead_letter_subscriber" {
  for_each     = local.dead_lettering_subscriptions
  subscription = google_pubsub_subscription.push[each.key].id
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_service_agent
}
