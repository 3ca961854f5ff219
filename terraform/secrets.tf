# Secrets are created outside Terraform (docs/DEPLOY.md), so their values never reach the state.
# Each function's identity may read only the secrets wired into it (local.functions[*].secrets).

locals {
  secret_bindings = merge([
    for fn, spec in local.functions : { for env_name, secret in spec.secrets : "${fn} ${env_name}" => { fn = fn, secret = secret } }
  ]...)
}

data "google_secret_manager_secret" "wired" {
  for_each  = toset([for b in values(local.secret_bindings) : b.secret])
  project   = var.project_id
  secret_id = each.key
}

resource "google_secret_manager_secret_iam_member" "accessor" {
  for_each  = local.secret_bindings
  project   = var.project_id
  secret_id = data.google_secret_manager_secret.wired[each.value.secret].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.fn[each.value.fn].member
}
