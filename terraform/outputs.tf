output "api_url" {
  description = "Base URL of the HTTP API (function enqueue): POST {api_url}/jobs with X-API-Key."
  value       = google_cloudfunctions2_function.fn["enqueue"].service_config[0].uri
}

output "function_urls" {
  description = "run.app URL of every function and processor service (only enqueue is reachable from outside Google Cloud)."
  value       = local.service_uris
}

output "buckets" {
  description = "Bucket names: drop prompt files into uploads; outputs and results are written by the processors."
  value       = { for key, bucket in google_storage_bucket.data : key => bucket.name }
}

output "topics" {
  description = "Topic names, including the dead-letter topics."
  value       = { for name, topic in google_pubsub_topic.all : name => topic.id }
}

output "service_accounts" {
  description = "The identity of each function."
  value       = { for name, sa in google_service_account.fn : name => sa.email }
}
