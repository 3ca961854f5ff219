# Workspace uploads: the API signs V4 upload URLs with IAM signBlob on its own service account
# (no key file), so it may create tokens for itself and nothing else.
resource "google_service_account_iam_member" "enqueue_signs_upload_urls" {
  service_account_id = google_service_account.fn["enqueue"].name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:${google_service_account.fn["enqueue"].email}"
}
