# The three data buckets (names from shared/config.ts defaults) and the uploads bucket's notifications.

locals {
  bucket_settings = {
    # Dropped prompt files and archives: only needed until their jobs are made.
    uploads = { name = local.buckets.uploads, delete_after_days = 30, versioning = false }
    # Files the jobs created; versioned so a re-run never silently loses an earlier output.
    outputs = { name = local.buckets.outputs, delete_after_days = 90, versioning = true }
    # result.json per job and session snapshots.
    results = { name = local.buckets.results, delete_after_days = 365, versioning = false }
  }
}

resource "google_storage_bucket" "data" {
  for_each                    = local.bucket_settings
  name                        = each.value.name
  location                    = var.region
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  labels                      = local.labels

  versioning {
    enabled = each.value.versioning
  }

  lifecycle_rule {
    condition {
      age = each.value.delete_after_days
    }
    action {
      type = "Delete"
    }
  }

  # Workspace uploads (POST /uploads → inputs/{owner}/{upload_id}) expire after 7 days.
  dynamic "lifecycle_rule" {
    for_each = each.key == "uploads" ? [1] : []
    content {
      condition {
        age            = 7
        matches_prefix = ["inputs/"]
      }
      action {
        type = "Delete"
      }
    }
  }

  # Environments' dependency caches (env-cache/{sha256(owner)}/{key}.tar.gz) expire after
  # env_cache_ttl_days; a later job with the same key then runs setup again and saves a new one.
  dynamic "lifecycle_rule" {
    for_each = each.key == "results" ? [1] : []
    content {
      condition {
        age            = var.env_cache_ttl_days
        matches_prefix = ["env-cache/"]
      }
      action {
        type = "Delete"
      }
    }
  }

  # Replaced versions (outputs only) go after a week.
  dynamic "lifecycle_rule" {
    for_each = each.value.versioning ? [1] : []
    content {
      condition {
        days_since_noncurrent_time = 7
        with_state                 = "ARCHIVED"
      }
      action {
        type = "Delete"
      }
    }
  }

  depends_on = [google_project_service.apis]
}

# Cloud Storage publishes object changes of the uploads bucket to codex-storage-events.
data "google_storage_project_service_account" "gcs" {
  project = var.project_id
}

resource "google_pubsub_topic_iam_member" "gcs_publishes_storage_events" {
  topic  = google_pubsub_topic.all[local.topics.storage_events].id
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${data.google_storage_project_service_account.gcs.email_address}"
}

resource "google_storage_notification" "uploads" {
  bucket         = google_storage_bucket.data["uploads"].name
  topic          = google_pubsub_topic.all[local.topics.storage_events].id
  payload_format = "JSON_API_V1"
  event_types    = ["OBJECT_FINALIZE", "OBJECT_DELETE"]
  depends_on     = [google_pubsub_topic_iam_member.gcs_publishes_storage_events]
}
