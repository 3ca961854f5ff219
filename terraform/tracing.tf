# Traces (shared/telemetry/tracing.ts): on Cloud Run every function and the worker send their spans to
# Cloud Trace (K_SERVICE or CLOUD_RUN_WORKER_POOL set, no emulator host), so each identity may write them.
resource "google_project_service" "cloudtrace" {
  project            = var.project_id
  service            = "cloudtrace.googleapis.com"
  disable_on_destroy = false
}

resource "google_project_iam_member" "trace_writer" {
  for_each = local.identity_members
  project  = var.project_id
  role     = "roles/cloudtrace.agent"
  member   = each.value

  depends_on = [google_project_service.cloudtrace]
}
