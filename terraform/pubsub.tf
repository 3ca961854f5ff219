# Topics, dead-letter topics and subscriptions from subscriptions.json, the table dev/topology.ts
# subscriptions() reads too, so the local stack builds the same (test/unit/terraform checks both).

locals {
  # subscriptions.json: per topic key (local.topics), the function it pushes to, its retry and
  # dead-letter policy (job lanes: 100 attempts; the others: 5), and where its dead letters go.
  subscription_table = jsondecode(file("${path.module}/subscriptions.json"))

  push_subscriptions = merge(
    {
      for key, s in local.subscription_table.push : "${local.topics[key]}-${s.function}" => {
        topic                = local.topics[key]
        function             = s.function
        dead_letter_topic    = local.dead_letter_topics[key]
        ack_deadline_seconds = s.ack_deadline_seconds
        ordered              = s.ordered
        policy               = s.policy
      }
    },
    # A dead-lettered job message goes back to its processor, which ends the job (dead_lettered). Its
    # own policy is bounded (retry with backoff, one day of retention) and has no dead-letter topic,
    # so a dead letter never loops back into its source topic.
    {
      for key, s in local.subscription_table.push : "${local.dead_letter_topics[key]}-${s.function}" => {
        topic                = local.dead_letter_topics[key]
        function             = s.function
        dead_letter_topic    = null
        ack_deadline_seconds = 60
        ordered              = false
        policy               = "dead_letter"
      } if s.dead_letters == "push"
    },
    # The long lane's dead letters go back to a processor the same way (worker.tf).
    local.long_lane_push_subscriptions,
  )

  # Every topic a push subscription may read: this file's and the long lane's (worker.tf).
  topic_ids = merge(
    { for name, topic in google_pubsub_topic.all : name => topic.id },
    { for name, topic in google_pubsub_topic.long_lane : name => topic.id },
  )

  # The other dead letters are kept for inspection (and alerted on, see monitoring.tf).
  hold_subscriptions = {
    for key, s in local.subscription_table.push : "${local.dead_letter_topics[key]}-hold" => {
      topic                = local.dead_letter_topics[key]
      ack_deadline_seconds = 60
    } if s.dead_letters == "hold"
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
  topic    = local.topic_ids[each.value.topic]
  labels   = local.labels

  ack_deadline_seconds       = each.value.ack_deadline_seconds
  enable_message_ordering    = each.value.ordered
  message_retention_duration = "${local.subscription_table.policies[each.value.policy].message_retention_seconds}s"

  push_config {
    # The same path as the local stack (dev/topology.ts pushEndpoint) on the function's run.app URL.
    push_endpoint = "${local.service_uris[each.value.function]}/projects/${var.project_id}/topics/${each.value.topic}"
    oidc_token {
      service_account_email = google_service_account.push.email
      audience              = local.service_uris[each.value.function]
    }
  }

  retry_policy {
    minimum_backoff = "${local.subscription_table.policies[each.value.policy].minimum_backoff_seconds}s"
    maximum_backoff = "${local.subscription_table.policies[each.value.policy].maximum_backoff_seconds}s"
  }

  dynamic "dead_letter_policy" {
    for_each = each.value.dead_letter_topic == null ? [] : [each.value.dead_letter_topic]
    content {
      dead_letter_topic     = google_pubsub_topic.all[dead_letter_policy.value].id
      max_delivery_attempts = local.subscription_table.policies[each.value.policy].max_delivery_attempts
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
