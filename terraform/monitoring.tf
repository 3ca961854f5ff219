# Log-based metrics from the processors' JSON logs, and one alert policy for failed jobs, dead letters
# and a sandbox that does not work where Codex runs.

locals {
  processor_services = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=(\"processor\" OR \"processor-priority\")"
  # Above this many failed jobs in 15 minutes, someone should look.
  failed_jobs_alert_threshold = 5
}

# shared/processor/run-claimed-job.ts logs `job failed` with status and error_code when a job ends failed.
resource "google_logging_metric" "failed_jobs" {
  name   = "codex_jobs/failed_jobs"
  filter = "${local.processor_services} AND jsonPayload.message=\"job failed\" AND jsonPayload.status=\"failed\""

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "codex-jobs failed jobs"
    labels {
      key         = "error_code"
      value_type  = "STRING"
      description = "error.code of the failed job"
    }
  }
  label_extractors = {
    error_code = "EXTRACT(jsonPayload.error_code)"
  }
  depends_on = [google_project_service.apis]
}

# shared/processor/dead-letter.ts logs `job message dead-lettered` when it fails a dead-lettered job.
resource "google_logging_metric" "dead_lettered_jobs" {
  name   = "codex_jobs/dead_lettered_jobs"
  filter = "${local.processor_services} AND jsonPayload.message=\"job message dead-lettered\""

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "codex-jobs dead-lettered job messages"
  }
  depends_on = [google_project_service.apis]
}

# shared/processor/sandbox-startup.ts logs `the processor refuses to start: …` (ERROR) when the Codex
# sandbox cannot work on the host; the processors and the worker then never serve or pull (DEPLOY.md).
resource "google_logging_metric" "sandbox_refusals" {
  name   = "codex_jobs/sandbox_refusals"
  filter = "((${local.processor_services}) OR resource.type=\"cloud_run_worker_pool\") AND severity=ERROR AND jsonPayload.message=~\"^the processor refuses to start\""

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "codex-jobs sandbox refusals at start-up"
  }
  depends_on = [google_project_service.apis]
}

# A new log-based metric is not visible to alert policies at once: the policy fails with "Cannot find
# metric(s)" for up to about ten minutes (provider issue 11102). The policy waits this long after the
# metrics are made (again only when one is re-made; the rest of the apply goes on meanwhile).
resource "time_sleep" "log_metrics_visible" {
  create_duration = "600s"
  triggers = {
    failed_jobs        = google_logging_metric.failed_jobs.id
    dead_lettered_jobs = google_logging_metric.dead_lettered_jobs.id
    sandbox_refusals   = google_logging_metric.sandbox_refusals.id
    # log-metrics.tf's, of which alerts.tf's failure ratio reads finished_jobs.
    finished_jobs = google_logging_metric.codex["finished_jobs"].id
  }
}

resource "google_monitoring_alert_policy" "jobs" {
  display_name = "codex-jobs (${var.environment}): failed jobs, dead letters, sandbox refusals"
  combiner     = "OR"
  user_labels  = local.labels
  # alerts.tf: where every codex-jobs policy notifies.
  notification_channels = var.alert_notification_channels

  conditions {
    display_name = "More than ${local.failed_jobs_alert_threshold} failed jobs in 15 minutes"
    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.failed_jobs.name}\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = local.failed_jobs_alert_threshold
      duration        = "0s"
      aggregations {
        alignment_period     = "900s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }

  conditions {
    display_name = "A job message was dead-lettered"
    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.dead_lettered_jobs.name}\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }

  # Any instance whose sandbox does not work: it refuses to start, so its lane runs nothing.
  conditions {
    display_name = "A processor or worker refused to start: the Codex sandbox does not work there"
    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.sandbox_refusals.name}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }

  # Results, schedules and storage events that were dead-lettered (or webhooks that failed every
  # retry) wait in the -hold subscriptions.
  conditions {
    display_name = "Messages waiting in a dead-letter hold subscription"
    condition_threshold {
      filter          = "metric.type=\"pubsub.googleapis.com/subscription/num_undelivered_messages\" AND resource.type=\"pubsub_subscription\" AND resource.labels.subscription_id=monitoring.regex.full_match(\".*-dead-letter-hold\")"
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "300s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_MAX"
        cross_series_reducer = "REDUCE_MAX"
      }
    }
  }

  documentation {
    mime_type = "text/markdown"
    content   = "Failed jobs: see Logs Explorer `jsonPayload.message=\"job failed\"` for job_id and error_code. Sandbox refusals: `jsonPayload.message=~\"^the processor refuses to start\"` names what the host lacks (the services must run on the second-generation execution environment). Dead letters: pull the `*-dead-letter-hold` subscriptions (`gcloud pubsub subscriptions pull --auto-ack=false ...`). See docs/DEPLOY.md."
  }

  alert_strategy {
    auto_close = "1800s"
  }

  depends_on = [time_sleep.log_metrics_visible]
}
