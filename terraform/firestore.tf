# The Firestore database, the composite indexes of firestore.indexes.json (the file the Firebase CLI
# and the emulator use too, read here rather than copied), and the TTL policy on expire_at.

locals {
  firestore_indexes_file = jsondecode(file("${path.module}/../firestore.indexes.json"))

  # Keyed by content, so reordering the file never recreates an index.
  firestore_indexes = {
    for idx in local.firestore_indexes_file.indexes :
    "${idx.collectionGroup} ${idx.queryScope} ${join(",", [for f in idx.fields : "${f.fieldPath}:${try(f.order, try(f.arrayConfig, "?"))}"])}" => idx
  }

  # Collection groups whose documents carry an expire_at Timestamp that Firestore deletes them by.
  ttl_fields = toset(["jobs/expire_at", "events/expire_at"])

  firestore_field_overrides = merge(
    { for key in local.ttl_fields : key => { collectionGroup = split("/", key)[0], fieldPath = split("/", key)[1], indexes = [] } },
    { for o in try(local.firestore_indexes_file.fieldOverrides, []) : "${o.collectionGroup}/${o.fieldPath}" => o },
  )
}

resource "google_firestore_database" "default" {
  project                 = var.project_id
  name                    = "(default)"
  location_id             = var.region
  type                    = "FIRESTORE_NATIVE"
  concurrency_mode        = "OPTIMISTIC"
  delete_protection_state = "DELETE_PROTECTION_ENABLED"
  # `terraform destroy` leaves the jobs in place.
  deletion_policy = "ABANDON"
  depends_on      = [google_project_service.apis]
}

resource "google_firestore_index" "composite" {
  for_each    = local.firestore_indexes
  project     = var.project_id
  database    = google_firestore_database.default.name
  collection  = each.value.collectionGroup
  query_scope = each.value.queryScope

  dynamic "fields" {
    for_each = each.value.fields
    content {
      field_path   = fields.value.fieldPath
      order        = try(fields.value.order, null)
      array_config = try(fields.value.arrayConfig, null)
    }
  }
}

# TTL policies and the single-field index settings of firestore.indexes.json `fieldOverrides`.
# A TTL field is exempt from single-field indexing (its ever-increasing timestamps would hot-spot)
# unless the file gives it indexes.
resource "google_firestore_field" "override" {
  for_each   = local.firestore_field_overrides
  project    = var.project_id
  database   = google_firestore_database.default.name
  collection = each.value.collectionGroup
  field      = each.value.fieldPath

  dynamic "ttl_config" {
    for_each = contains(local.ttl_fields, each.key) || try(each.value.ttl, false) ? [1] : []
    content {}
  }

  index_config {
    dynamic "indexes" {
      for_each = try(each.value.indexes, [])
      content {
        query_scope  = try(indexes.value.queryScope, "COLLECTION")
        order        = try(indexes.value.order, null)
        array_config = try(indexes.value.arrayConfig, null)
      }
    }
  }
}

# firestore.rules (the file the emulator tests run against) as the database's client access rules.
resource "google_firebaserules_ruleset" "firestore" {
  project = var.project_id
  source {
    files {
      name    = "firestore.rules"
      content = file("${path.module}/../firestore.rules")
    }
  }
  depends_on = [google_firestore_database.default, google_project_service.apis]

  lifecycle {
    create_before_destroy = true
  }
}

resource "google_firebaserules_release" "firestore" {
  project      = var.project_id
  name         = "cloud.firestore"
  ruleset_name = "projects/${var.project_id}/rulesets/${google_firebaserules_ruleset.firestore.name}"

  lifecycle {
    replace_triggered_by = [google_firebaserules_ruleset.firestore]
  }
}
