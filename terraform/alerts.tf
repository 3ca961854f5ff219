# Alert policies of the Observability contract, each threshold a variable (monitoring-variables.tf):
# the oldest unacked job message per lane, dead letters, and the failure ratio. (monitoring.tf's
# `jobs` policy keeps its failed-jobs count, dead-lettered job messages and sandbox refusals.)

locals {
  oldest_unacked_thresholds = {
    normal   = var.alert_oldest_unacked_age_seconds.normal
    priority = var.alert_oldest_unacked_age_seconds.priority
    long     = coalesce(var.alert_oldest_unacked_age_seconds.long, var.long_job_timeout_seconds + 3600)
  }
}

resource "google_monitoring_alert_policy" "oldest_unacked" {
  for_each              = local.lane_subscriptions
  display_name          = "codex-jobs (${var.environment}): ${each.key} lane's oldest job message unacked over ${local.oldest_unacked_thresholds[each.key]} s"
  combiner              = "OR"
  user_labels           = merge(local.labels, { lane = each.key })
  notification_channels = var.alert_notification_channels

  conditions {
    display_name = "Oldest unacked message of ${each.value} older than ${local.oldest_unacked_thresholds[each.key]} s"
    condition_threshold {
      filter          = "metric.type=\"pubsub.googleapis.com/subscription/oldest_unacked_message_age\" AND resource.type=\"pubsub_subscription\" AND resource.labels.subscription_id=\"${each.value}\""
      comparison      = "COMPARISON_GT"
      threshold_value = local.oldest_unacked_thresholds[each.key]
      duration        = "300s"
      aggregations {
        alignment_period   = "60s"
        per_series_aligner = "ALIGN_MAX"
      }
    }
  }

  documentation {
    mime_type = "text/markdown"
    content   = "The ${each.key} lane's oldest job message (subscription `${each.value}`) has waited longer than its threshold: the lane is short of capacity (raise its instances, or the worker's) or stuck (look for `delivery refused` or `job waits` lines, and at the processors' 429s on the codex-jobs dashboard). See docs/OBSERVABILITY.md."
  }

  alert_strategy {
    auto_close = "1800s"
  }
}

resource "google_monitoring_alert_policy" "dead_letters" {
  display_name          = "codex-jobs (${var.environment}): messages dead-lettered"
  combiner              = "OR"
  user_labels           = local.labels
  notification_channels = var.alert_notification_channels

  conditions {
    display_name = "More than ${var.alert_dead_letter_messages} messages dead-lettered in 5 minutes"
    condition_threshold {
      filter          = "metric.type=\"pubsub.googleapis.com/subscription/dead_letter_message_count\" AND resource.type=\"pubsub_subscription\""
      comparison      = "COMPARISON_GT"
      threshold_value = var.alert_dead_letter_messages
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }

  documentation {
    mime_type = "text/markdown"
    content   = "Pub/Sub dead-lettered messages (the chart \"Messages dead-lettered per subscription\" names the subscription). Job messages end their jobs `failed` with `dead_lettered`; results, schedules, storage events and sweeps wait in the `*-dead-letter-hold` subscriptions. See docs/OBSERVABILITY.md and docs/DEPLOY.md."
  }

  alert_strategy {
    auto_close = "1800s"
  }
}

resource "google_monitoring_alert_policy" "failure_ratio" {
  display_name          = "codex-jobs (${var.environment}): failed jobs over ${var.alert_failure_ratio * 100}% of finished jobs"
  combiner              = "OR"
  user_labels           = local.labels
  notification_channels = var.alert_notification_channels

  conditions {
    display_name = "Failed / finished jobs above ${var.alert_failure_ratio} over ${var.alert_failure_ratio_window_seconds} s"
    condition_threshold {
      filter             = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.codex["finished_jobs"].name}\" AND metric.labels.status=\"failed\""
      denominator_filter = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.codex["finished_jobs"].name}\""
      comparison         = "COMPARISON_GT"
      threshold_value    = var.alert_failure_ratio
      duration           = "0s"
      aggregations {
        alignment_period     = "${var.alert_failure_ratio_window_seconds}s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }
      denominator_aggregations {
        alignment_period     = "${var.alert_failure_ratio_window_seconds}s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }

  documentation {
    mime_type = "text/markdown"
    content   = "Too many jobs fail. The chart \"Failed jobs by error code\" says which error.code; Logs Explorer `jsonPayload.message=\"job failed\"` gives the job_ids. See docs/OBSERVABILITY.md."
  }

  alert_strategy {
    auto_close = "3600s"
  }

  # A new log-based metric is not visible to alert policies at once (monitoring.tf's time_sleep).
  depends_on = [time_sleep.log_metrics_visible]
}
