# The codex-jobs dashboard (Cloud Monitoring): jobs by status and lane, job and setup durations, tokens
# and cost by owner, backlog and oldest unacked message age per lane, dead letters, processor 429s,
# webhook failures and sweeps per rule. Its charts are dashboard.json (the Monitoring API's own JSON,
# so docs/OBSERVABILITY.md's table of charts is rendered from the same file by dev/dashboard-table.ts);
# this file adds the name. terraform/tests/monitoring.tftest.hcl checks that every chart queries a
# log-based metric of log-metrics.tf or an allowed built-in Pub/Sub or Cloud Run metric, and that the
# per-lane charts name exactly the lanes' subscriptions below.
# Counters are charted per minute (ALIGN_SUM); distributions as p50/p95, or, for totals (tokens, cost,
# jobs acted on per sweep rule), as PromQL increase() of their _sum.

locals {
  # The subscription each lane's jobs wait in: the two push lanes (subscriptions.json) and the worker's pull.
  lane_subscriptions = {
    normal   = "${local.topics.jobs}-${local.subscription_table.push.jobs.function}"
    priority = "${local.topics.priority_jobs}-${local.subscription_table.push.priority_jobs.function}"
    long     = local.long_lane.subscription
  }
  dashboard = jsondecode(file("${path.module}/dashboard.json"))
}

resource "google_monitoring_dashboard" "jobs" {
  dashboard_json = jsonencode(merge(local.dashboard, { displayName = "codex-jobs (${var.environment})" }))
  depends_on     = [google_project_service.apis]
}
