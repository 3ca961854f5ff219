# `tofu test`: the dashboard and the alert policies of the Observability contract (dashboard.tf,
# alerts.tf, log-metrics.tf), planned with the same mocked google provider as plan.tftest.hcl.

mock_provider "google" {
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

variables {
  project_id  = "codex-example"
  region      = "europe-west1"
  environment = "staging"
  image       = "europe-west1-docker.pkg.dev/codex-example/codex-jobs/codex-jobs:v1"
}

# Every chart queries a metric the configuration defines (a log-based metric, by its Monitoring type
# or its PromQL name) or one of the built-in Pub/Sub and Cloud Run metrics below; none queries nothing.
run "every_chart_queries_a_known_metric" {
  command = plan

  assert {
    condition = alltrue(flatten([for tile in jsondecode(google_monitoring_dashboard.jobs.dashboard_json).mosaicLayout.tiles : [for set in tile.widget.xyChart.dataSets : (
      length(concat(
        regexall("metric\\.type=\"([^\"]+)\"", try(set.timeSeriesQuery.timeSeriesFilter.filter, "")),
        regexall("([a-z_]+:[a-z0-9_]+)", try(set.timeSeriesQuery.prometheusQuery, "")),
      )) > 0 &&
      alltrue([for found in concat(
        regexall("metric\\.type=\"([^\"]+)\"", try(set.timeSeriesQuery.timeSeriesFilter.filter, "")),
        regexall("([a-z_]+:[a-z0-9_]+)", try(set.timeSeriesQuery.prometheusQuery, "")),
        ) : contains(concat(
          [for m in google_logging_metric.codex : "logging.googleapis.com/user/${m.name}"],
          [for m in google_logging_metric.codex : "logging_googleapis_com:user_${replace(m.name, "/", "_")}"],
          [
            "pubsub.googleapis.com/subscription/num_undelivered_messages",
            "pubsub.googleapis.com/subscription/oldest_unacked_message_age",
            "pubsub.googleapis.com/subscription/dead_letter_message_count",
            "run.googleapis.com/request_count",
          ],
      ), strcontains(found[0], ":") ? replace(found[0], "/_(sum|count|bucket)$/", "") : found[0])])
    )]]))
    error_message = "a dashboard chart queries a metric that is neither a log-based metric of log-metrics.tf nor an allowed Pub/Sub or Cloud Run metric"
  }

  assert {
    condition     = length(jsondecode(google_monitoring_dashboard.jobs.dashboard_json).mosaicLayout.tiles) == 12 && alltrue([for tile in jsondecode(google_monitoring_dashboard.jobs.dashboard_json).mosaicLayout.tiles : length(tile.widget.xyChart.dataSets) > 0])
    error_message = "the dashboard has its twelve charts, each with at least one dataset"
  }

  # The contract's charts, by what they show.
  assert {
    condition = alltrue([for title in [
      "Jobs finished by status and lane", "Job duration by lane (p50, p95)", "Environment setup duration (p50, p95)",
      "Tokens by owner", "Cost by owner (USD)", "Backlog per lane (undelivered messages)", "Oldest unacked message age per lane",
      "Processor 429s (at capacity or waiting)", "Webhook failures", "Jobs acted on per sweep rule",
    ] : contains([for tile in jsondecode(google_monitoring_dashboard.jobs.dashboard_json).mosaicLayout.tiles : tile.widget.title], title)])
    error_message = "a chart of the Observability contract is missing"
  }

  # Backlog and age charts cover exactly the three lanes' subscriptions, which the configuration makes.
  assert {
    condition = alltrue([for tile in jsondecode(google_monitoring_dashboard.jobs.dashboard_json).mosaicLayout.tiles : alltrue([for set in tile.widget.xyChart.dataSets :
      sort(flatten(regexall("\"([^\"]+)\"", regex("subscription_id=one_of\\(([^)]*)\\)", set.timeSeriesQuery.timeSeriesFilter.filter)[0]))) == sort(values(local.lane_subscriptions))
    ]) if strcontains(tile.widget.title, "per lane")])
    error_message = "the per-lane charts name exactly the three lanes' subscriptions"
  }

  assert {
    condition     = local.lane_subscriptions == { normal = "codex-jobs-processor", priority = "codex-jobs-priority-processor-priority", long = "codex-jobs-long-worker" } && contains(keys(google_pubsub_subscription.push), "codex-jobs-processor") && contains(keys(google_pubsub_subscription.push), "codex-jobs-priority-processor-priority") && google_pubsub_subscription.long_lane_worker.name == "codex-jobs-long-worker"
    error_message = "each lane's subscription is one the configuration makes"
  }
}

# Default thresholds: one oldest-unacked policy per lane (the long lane's above its longest job), dead
# letters above 0, failure ratio 0.25 over an hour; no notification channel.
run "alerts_have_documented_default_thresholds" {
  command = plan

  assert {
    condition     = { for lane, p in google_monitoring_alert_policy.oldest_unacked : lane => p.conditions[0].condition_threshold[0].threshold_value } == { normal = 1800, priority = 1200, long = 14400 + 3600 }
    error_message = "oldest unacked age thresholds default to normal 1800 s, priority 1200 s, long long_job_timeout_seconds + 3600 s"
  }

  assert {
    condition     = alltrue([for lane, p in google_monitoring_alert_policy.oldest_unacked : strcontains(p.conditions[0].condition_threshold[0].filter, "oldest_unacked_message_age") && strcontains(p.conditions[0].condition_threshold[0].filter, "subscription_id=\"${local.lane_subscriptions[lane]}\"")])
    error_message = "each lane's policy watches its own subscription's oldest unacked message age"
  }

  assert {
    condition     = google_monitoring_alert_policy.dead_letters.conditions[0].condition_threshold[0].threshold_value == 0 && strcontains(google_monitoring_alert_policy.dead_letters.conditions[0].condition_threshold[0].filter, "dead_letter_message_count")
    error_message = "any dead-lettered message alerts by default"
  }

  assert {
    condition = (
      google_monitoring_alert_policy.failure_ratio.conditions[0].condition_threshold[0].threshold_value == 0.25 &&
      google_monitoring_alert_policy.failure_ratio.conditions[0].condition_threshold[0].aggregations[0].alignment_period == "3600s" &&
      google_monitoring_alert_policy.failure_ratio.conditions[0].condition_threshold[0].filter == "metric.type=\"logging.googleapis.com/user/codex_jobs/finished_jobs\" AND metric.labels.status=\"failed\"" &&
      google_monitoring_alert_policy.failure_ratio.conditions[0].condition_threshold[0].denominator_filter == "metric.type=\"logging.googleapis.com/user/codex_jobs/finished_jobs\""
    )
    error_message = "the failure ratio is failed / finished jobs of codex_jobs/finished_jobs, 0.25 over an hour by default"
  }

  assert {
    condition     = length(google_monitoring_alert_policy.failure_ratio.notification_channels) == 0 && length(google_monitoring_alert_policy.jobs.notification_channels) == 0
    error_message = "without alert_notification_channels no policy notifies a channel"
  }
}

# Every threshold comes from its variable, and the channels reach every policy.
run "alert_thresholds_come_from_variables" {
  command = plan
  variables {
    alert_oldest_unacked_age_seconds   = { normal = 600, long = 30000 }
    alert_dead_letter_messages         = 3
    alert_failure_ratio                = 0.5
    alert_failure_ratio_window_seconds = 900
    alert_notification_channels        = ["projects/codex-example/notificationChannels/123"]
  }

  assert {
    condition     = { for lane, p in google_monitoring_alert_policy.oldest_unacked : lane => p.conditions[0].condition_threshold[0].threshold_value } == { normal = 600, priority = 1200, long = 30000 }
    error_message = "alert_oldest_unacked_age_seconds sets each lane's threshold (unset lanes keep their default)"
  }

  assert {
    condition     = google_monitoring_alert_policy.dead_letters.conditions[0].condition_threshold[0].threshold_value == 3
    error_message = "alert_dead_letter_messages sets the dead-letter threshold"
  }

  assert {
    condition     = google_monitoring_alert_policy.failure_ratio.conditions[0].condition_threshold[0].threshold_value == 0.5 && google_monitoring_alert_policy.failure_ratio.conditions[0].condition_threshold[0].denominator_aggregations[0].alignment_period == "900s"
    error_message = "alert_failure_ratio and its window set the failure-ratio condition"
  }

  assert {
    condition = alltrue([for p in concat(values(google_monitoring_alert_policy.oldest_unacked), [google_monitoring_alert_policy.dead_letters, google_monitoring_alert_policy.failure_ratio, google_monitoring_alert_policy.jobs]) :
    tolist(p.notification_channels) == tolist(["projects/codex-example/notificationChannels/123"])])
    error_message = "every alert policy notifies alert_notification_channels"
  }
}

run "oldest_unacked_age_in_range" {
  command = plan
  variables {
    alert_oldest_unacked_age_seconds = { priority = 10 }
  }
  expect_failures = [var.alert_oldest_unacked_age_seconds]
}

run "failure_ratio_is_a_ratio" {
  command = plan
  variables {
    alert_failure_ratio = 1.5
  }
  expect_failures = [var.alert_failure_ratio]
}

run "failure_ratio_window_whole_minutes" {
  command = plan
  variables {
    alert_failure_ratio_window_seconds = 330.5
  }
  expect_failures = [var.alert_failure_ratio_window_seconds]
}

run "dead_letter_threshold_not_negative" {
  command = plan
  variables {
    alert_dead_letter_messages = -1
  }
  expect_failures = [var.alert_dead_letter_messages]
}

run "notification_channels_are_channel_names" {
  command = plan
  variables {
    alert_notification_channels = ["alerts@example.com"]
  }
  expect_failures = [var.alert_notification_channels]
}
