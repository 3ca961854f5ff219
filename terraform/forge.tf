# Delivery and jobs from GitHub (issue 24; variables in forge-variables.tf, docs/FORGES.md).

locals {
  # GitHub calls act as the App (GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY). Without the App they use the
  # GIT_CREDENTIALS token of the host: then the API (the reply comment) and the notifier (its edit)
  # read that secret too, and only while jobs from GitHub are on (a webhook secret is set).
  github_fallback_credentials_secret = var.github_webhook_secret_secret != null && var.github_app_private_key_secret == null ? var.git_credentials_secret : null
}
