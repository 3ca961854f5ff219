# Addresses that changed when the long-lane worker's bindings joined the functions' (iam.tf,
# secrets.tf) and its dead-letter push subscription joined pubsub.tf's: an existing deployment keeps
# these objects instead of destroying and re-creating them.

moved {
  from = google_project_iam_member.worker_firestore
  to   = google_project_iam_member.fn["worker roles/datastore.user"]
}

moved {
  from = google_pubsub_topic_iam_member.worker_publishes_results
  to   = google_pubsub_topic_iam_member.fn["worker codex-results roles/pubsub.publisher"]
}

moved {
  from = google_storage_bucket_iam_member.worker["outputs"]
  to   = google_storage_bucket_iam_member.fn["worker outputs roles/storage.objectUser"]
}

moved {
  from = google_storage_bucket_iam_member.worker["results"]
  to   = google_storage_bucket_iam_member.fn["worker results roles/storage.objectUser"]
}

moved {
  from = google_storage_bucket_iam_member.worker["uploads"]
  to   = google_storage_bucket_iam_member.fn["worker uploads roles/storage.objectViewer"]
}

moved {
  from = google_secret_manager_secret_iam_member.worker_openai_api_key
  to   = google_secret_manager_secret_iam_member.accessor["worker OPENAI_API_KEY"]
}

moved {
  from = google_pubsub_subscription.long_lane_dead_letter
  to   = google_pubsub_subscription.push["codex-jobs-long-dead-letter-processor"]
}

# The long lane's publishers joined function_access (iam.tf), where the sweeper's is too.
moved {
  from = google_pubsub_topic_iam_member.long_lane_producers["enqueue"]
  to   = google_pubsub_topic_iam_member.fn["enqueue codex-jobs-long roles/pubsub.publisher"]
}

# The long lane's publishers joined function_access (iam.tf), where the sweeper's is too.
moved {
  from = google_pubsub_topic_iam_member.long_lane_producers["storage-trigger"]
  to   = google_pubsub_topic_iam_member.fn["storage-trigger codex-jobs-long roles/pubsub.publisher"]
}

# The long lane's publishers joined function_access (iam.tf), where the sweeper's is too.
moved {
  from = google_pubsub_topic_iam_member.long_lane_producers["scheduler"]
  to   = google_pubsub_topic_iam_member.fn["scheduler codex-jobs-long roles/pubsub.publisher"]
}
