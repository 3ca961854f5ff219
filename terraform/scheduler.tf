# One Cloud Scheduler job per entry of schedules.json ([{name, cron, time_zone, request}]), the same
# file the local stack runs. Each publishes its JobRequest to codex-schedules with attribute `schedule`.
# Entries named `example-…` are examples: a real deploy makes them only with enable_example_schedules,
# since each run is a Codex job that spends model tokens (the local stack runs them all, offline).

locals {
  schedules = { for s in jsondecode(file("${path.module}/schedules.json")) : s.name => s if var.enable_example_schedules || !startswith(s.name, "example-") }
}

resource "google_cloud_scheduler_job" "schedule" {
  for_each    = local.schedules
  name        = each.key
  region      = var.region
  description = "codex-jobs schedule ${each.key}"
  schedule    = each.value.cron
  time_zone   = each.value.time_zone

  pubsub_target {
    topic_name = google_pubsub_topic.all[local.topics.schedules].id
    data       = base64encode(jsonencode(each.value.request))
    attributes = {
      schedule = each.key
    }
  }

  depends_on = [google_project_service.apis]
}

# The sweeper's clock: every minute a message on codex-sweeps (shared/sweeper/ runs its rules).
resource "google_cloud_scheduler_job" "sweep" {
  name        = "codex-sweep"
  region      = var.region
  description = "codex-jobs sweep of stuck jobs"
  schedule    = "* * * * *"
  time_zone   = "Etc/UTC"

  pubsub_target {
    topic_name = google_pubsub_topic.all[local.topics.sweeps].id
    data       = base64encode(jsonencode({ sweep = true }))
    attributes = {
      sweep = "scheduled"
    }
  }

  depends_on = [google_project_service.apis]
}
