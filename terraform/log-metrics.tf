# Log-based metrics of the dashboard (dashboard.tf) and the failure-ratio alert (alerts.tf), built on
# the fields the code logs (docs/OBSERVABILITY.md lists them):
# - `job completed|failed|cancelled`: shared/telemetry/job-finished-log.ts, one line per job a
#   processor or the worker ran to its terminal state (status, lane, owner, execution_time_ms,
#   setup_duration_ms, total_tokens, cost_usd);
# - `webhook attempt failed` / `webhook delivery failed; …`: shared/webhooks/notify.ts;
# - `sweep rule <name>`: shared/sweeper/run-sweep.ts, once per rule per sweep, with `acted`.
# Counters count lines; distributions record a field's value (their _sum is the total: the dashboard
# charts tokens and cost per owner, and jobs acted on per sweep rule, as PromQL increase() of _sum).

locals {
  # The processors' services and the long-lane worker pool: where jobs run.
  job_runner_logs = "(${local.processor_services} OR resource.type=\"cloud_run_worker_pool\")"
  job_finished    = "${local.job_runner_logs} AND jsonPayload.message=(\"job completed\" OR \"job failed\" OR \"job cancelled\") AND jsonPayload.status=(\"completed\" OR \"failed\" OR \"cancelled\") AND jsonPayload.lane:*"
  function_logs   = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name="

  # name → {filter, value (a jsonPayload field for a distribution; null for a counter), unit, buckets
  # (exponential: scale × growth^i, i < count), labels (label → [extractor, description])}.
  log_metrics = {
    finished_jobs = {
      display = "codex-jobs jobs finished"
      filter  = local.job_finished
      value   = null
      unit    = "1"
      buckets = null
      labels = {
        status     = ["EXTRACT(jsonPayload.status)", "terminal status: completed, failed or cancelled"]
        lane       = ["EXTRACT(jsonPayload.lane)", "lane that ran the job: normal, priority or long"]
        error_code = ["EXTRACT(jsonPayload.error_code)", "error.code of a failed job (empty otherwise)"]
      }
    }
    job_duration = {
      display = "codex-jobs job duration"
      filter  = "${local.job_finished} AND jsonPayload.execution_time_ms:*"
      value   = "execution_time_ms"
      unit    = "ms"
      # 250 ms … 250 ms × 2^20 (about 73 h): every job length up to the 24 h long-lane ceiling.
      buckets = { scale = 250, growth = 2, count = 20 }
      labels = {
        status = ["EXTRACT(jsonPayload.status)", "terminal status"]
        lane   = ["EXTRACT(jsonPayload.lane)", "lane that ran the job"]
      }
    }
    setup_duration = {
      display = "codex-jobs environment setup duration"
      filter  = "${local.job_finished} AND jsonPayload.setup_duration_ms:*"
      value   = "setup_duration_ms"
      unit    = "ms"
      buckets = { scale = 100, growth = 2, count = 20 }
      labels = {
        lane = ["EXTRACT(jsonPayload.lane)", "lane that ran the job"]
      }
    }
    job_tokens = {
      display = "codex-jobs tokens per job"
      filter  = "${local.job_finished} AND jsonPayload.total_tokens:*"
      value   = "total_tokens"
      unit    = "1"
      buckets = { scale = 100, growth = 2, count = 24 }
      labels = {
        owner = ["EXTRACT(jsonPayload.owner)", "API key name (or storage / scheduler) that owns the job"]
      }
    }
    job_cost = {
      display = "codex-jobs cost per job (USD)"
      filter  = "${local.job_finished} AND jsonPayload.cost_usd:*"
      value   = "cost_usd"
      unit    = "USD"
      buckets = { scale = 0.0001, growth = 2, count = 24 }
      labels = {
        owner = ["EXTRACT(jsonPayload.owner)", "API key name (or storage / scheduler) that owns the job"]
      }
    }
    webhook_failures = {
      display = "codex-jobs webhook failures"
      filter  = "${local.function_logs}\"notifier\" AND jsonPayload.message=(\"webhook attempt failed\" OR \"webhook delivery failed; payload published to the dead-letter topic\")"
      value   = null
      unit    = "1"
      buckets = null
      labels = {
        kind = ["REGEXP_EXTRACT(jsonPayload.message, \"^webhook (attempt|delivery) failed\")", "attempt: one attempt failed (retried); delivery: every retry failed, dead-lettered"]
      }
    }
    sweep_actions = {
      display = "codex-jobs jobs acted on per sweep rule"
      filter  = "${local.function_logs}\"sweeper\" AND jsonPayload.message=~\"^sweep rule \" AND jsonPayload.acted:*"
      value   = "acted"
      unit    = "1"
      buckets = { scale = 1, growth = 2, count = 12 }
      labels = {
        rule = ["EXTRACT(jsonPayload.rule)", "sweep rule (shared/sweeper/)"]
      }
    }
  }
}

resource "google_logging_metric" "codex" {
  for_each = local.log_metrics
  name     = "codex_jobs/${each.key}"
  filter   = each.value.filter

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = each.value.value == null ? "INT64" : "DISTRIBUTION"
    unit         = each.value.unit
    display_name = each.value.display
    dynamic "labels" {
      for_each = each.value.labels
      content {
        key         = labels.key
        value_type  = "STRING"
        description = labels.value[1]
      }
    }
  }
  value_extractor  = each.value.value == null ? null : "EXTRACT(jsonPayload.${each.value.value})"
  label_extractors = { for key, l in each.value.labels : key => l[0] }

  dynamic "bucket_options" {
    for_each = each.value.buckets == null ? [] : [each.value.buckets]
    content {
      exponential_buckets {
        num_finite_buckets = bucket_options.value.count
        growth_factor      = bucket_options.value.growth
        scale              = bucket_options.value.scale
      }
    }
  }
  depends_on = [google_project_service.apis]
}
