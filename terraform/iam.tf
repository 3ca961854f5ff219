# One service account per function with only the roles it needs (the long-lane worker's, in
# worker.tf, gets its bindings here too), a build identity, and the identity Pub/Sub pushes with
# (the only one allowed to invoke the internal functions).

locals {
  # What each function's code calls, and no more (test/unit/terraform/iam-matches-code.test.ts checks
  # each binding against the code). Firestore access is project-wide (datastore.user has no narrower
  # scope); every function here reads or writes Firestore. objectUser (create, read, overwrite) where
  # a retry rewrites its own objects; never objectAdmin (object ACLs and IAM are not the code's business).
  function_access = {
    enqueue = {
      project_roles = ["roles/datastore.user"]
      topic_roles = [
        { topic = local.topics.jobs, role = "roles/pubsub.publisher" },
        { topic = local.topics.priority_jobs, role = "roles/pubsub.publisher" },
        # GET /health checks that the jobs topic exists.
        { topic = local.topics.jobs, role = "roles/pubsub.viewer" },
        # Cancelling a queued job publishes its result at once, so its webhook does not wait for the backlog.
        { topic = local.topics.results, role = "roles/pubsub.publisher" },
        # Jobs above MAX_JOB_TIMEOUT_MS go to the long lane (shared/jobs/job-lane.ts).
        { topic = local.long_lane.topic, role = "roles/pubsub.publisher" },
      ]
      # GET /jobs/{id}/outputs and changes.patch stream output files; GET /changes reads result.json;
      # PUT /uploads writes (and on refusal deletes) inputs/.
      bucket_roles = [
        { bucket = "outputs", role = "roles/storage.objectViewer" },
        { bucket = "results", role = "roles/storage.objectViewer" },
        { bucket = "uploads", role = "roles/storage.objectUser" },
      ]
    }
    processor            = local.job_runner_access
    "processor-priority" = local.job_runner_access
    "storage-trigger" = {
      project_roles = ["roles/datastore.user"]
      topic_roles = [
        { topic = local.topics.jobs, role = "roles/pubsub.publisher" },
        { topic = local.topics.priority_jobs, role = "roles/pubsub.publisher" },
        # A bad file becomes a failed job (and a deleted file cancels jobs): their results go out from here.
        { topic = local.topics.results, role = "roles/pubsub.publisher" },
        { topic = local.long_lane.topic, role = "roles/pubsub.publisher" },
      ]
      bucket_roles = [{ bucket = "uploads", role = "roles/storage.objectViewer" }]
    }
    scheduler = {
      project_roles = ["roles/datastore.user"]
      topic_roles = [
        { topic = local.topics.jobs, role = "roles/pubsub.publisher" },
        { topic = local.topics.priority_jobs, role = "roles/pubsub.publisher" },
        { topic = local.topics.results, role = "roles/pubsub.publisher" },
        { topic = local.long_lane.topic, role = "roles/pubsub.publisher" },
      ]
      bucket_roles = []
    }
    notifier = {
      project_roles = ["roles/datastore.user"]
      # Webhooks that fail every retry are published to codex-results-dead-letter.
      topic_roles  = [{ topic = local.dead_letter_topics.results, role = "roles/pubsub.publisher" }]
      bucket_roles = []
    }
    # Republishes stuck jobs to their lane (the long lane too) and announces the jobs it ends on codex-results.
    sweeper = {
      project_roles = ["roles/datastore.user"]
      topic_roles = [
        { topic = local.topics.jobs, role = "roles/pubsub.publisher" },
        { topic = local.topics.priority_jobs, role = "roles/pubsub.publisher" },
        { topic = local.topics.results, role = "roles/pubsub.publisher" },
        { topic = local.long_lane.topic, role = "roles/pubsub.publisher" },
      ]
      bucket_roles = []
    }
    # The long lane runs the processor's code; it also consumes its subscription (worker.tf).
    worker = local.job_runner_access
  }

  # The processors and the worker (handleJobMessage): results published; outputs and result.json
  # rewritten by a takeover attempt, sessions read and replaced; workspace inputs (uploads, dropped
  # archives) read.
  job_runner_access = {
    project_roles = ["roles/datastore.user"]
    topic_roles   = [{ topic = local.topics.results, role = "roles/pubsub.publisher" }]
    bucket_roles = [
      { bucket = "outputs", role = "roles/storage.objectUser" },
      { bucket = "results", role = "roles/storage.objectUser" },
      { bucket = "uploads", role = "roles/storage.objectViewer" },
    ]
  }

  # Who holds the bindings of function_access (and the secrets of secrets.tf).
  identity_members = merge(
    { for name, account in google_service_account.fn : name => account.member },
    { worker = google_service_account.worker.member },
  )

  project_bindings = merge([
    for fn, access in local.function_access : { for role in access.project_roles : "${fn} ${role}" => { fn = fn, role = role } }
  ]...)
  topic_bindings = merge([
    for fn, access in local.function_access : { for b in access.topic_roles : "${fn} ${b.topic} ${b.role}" => { fn = fn, topic = b.topic, role = b.role } }
  ]...)
  bucket_bindings = merge([
    for fn, access in local.function_access : { for b in access.bucket_roles : "${fn} ${b.bucket} ${b.role}" => { fn = fn, bucket = b.bucket, role = b.role } }
  ]...)

  # Through terraform_data.pubsub_service_agent, so every binding of the agent waits until it exists.
  pubsub_service_agent = "serviceAccount:service-${terraform_data.pubsub_service_agent.input}@gcp-sa-pubsub.iam.gserviceaccount.com"
}

resource "google_service_account" "fn" {
  for_each     = local.functions
  account_id   = "codex-${each.key}"
  display_name = "codex-jobs ${each.key} function"
  depends_on   = [google_project_service.apis]
}

resource "google_project_iam_member" "fn" {
  for_each = local.project_bindings
  project  = var.project_id
  role     = each.value.role
  member   = local.identity_members[each.value.fn]
}

resource "google_pubsub_topic_iam_member" "fn" {
  for_each = local.topic_bindings
  topic    = local.topic_ids[each.value.topic]
  role     = each.value.role
  member   = local.identity_members[each.value.fn]
}

resource "google_storage_bucket_iam_member" "fn" {
  for_each = local.bucket_bindings
  bucket   = google_storage_bucket.data[each.value.bucket].name
  role     = each.value.role
  member   = local.identity_members[each.value.fn]
}

# Cloud Build runs the function builds with this identity instead of a default service account.
resource "google_service_account" "build" {
  account_id   = "codex-build"
  display_name = "codex-jobs function builds"
  depends_on   = [google_project_service.apis]
}

resource "google_project_iam_member" "build" {
  project = var.project_id
  role    = "roles/cloudbuild.builds.builder"
  member  = google_service_account.build.member
}

# Push subscriptions authenticate with OIDC tokens of this account.
resource "google_service_account" "push" {
  account_id   = "codex-push"
  display_name = "codex-jobs Pub/Sub push identity"
  depends_on   = [google_project_service.apis]
}

# Only the push identity may invoke the functions fed by push subscriptions (Cloud Functions and the
# processors' Cloud Run services alike: both are Cloud Run services underneath).
resource "google_cloud_run_service_iam_member" "push_invoker" {
  for_each = local.pushed_functions
  project  = var.project_id
  location = var.region
  service  = local.service_names[each.key]
  role     = "roles/run.invoker"
  member   = google_service_account.push.member
}

# The API is public at the network and IAM level; every route but /health needs an API key.
resource "google_cloud_run_service_iam_member" "enqueue_public" {
  project  = var.project_id
  location = var.region
  service  = google_cloudfunctions2_function.fn["enqueue"].name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

# The Pub/Sub service agent mints the push OIDC tokens for the push identity and dead-letters. On a new
# project Google creates it lazily, so a binding made right after enabling the API can fail with "service
# account does not exist". google_project_service_identity would create it, but it is google-beta only
# (not in the GA provider; google-beta does not build here), so this makes the same call
# (services.generateServiceIdentity) with gcloud once, and the agent's address (fixed by the project
# number) is read through it: every binding of local.pubsub_service_agent depends on it.
data "google_project" "project" {
  project_id = var.project_id
}

resource "terraform_data" "pubsub_service_agent" {
  input = data.google_project.project.number

  provisioner "local-exec" {
    command = "gcloud beta services identity create --service=pubsub.googleapis.com --project=${var.project_id} --quiet"
  }

  depends_on = [google_project_service.apis]
}

resource "google_service_account_iam_member" "pubsub_mints_push_tokens" {
  service_account_id = google_service_account.push.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_service_agent
}
