# Secrets are created outside Terraform (docs/DEPLOY.md), so their values never reach the state.
# Each identity may read only the secrets wired into it: a function's local.functions[*].secrets, the
# worker's local.worker_secrets (worker.tf). A secret id of null (an optional secret left unset) is
# wired nowhere.

locals {
  identity_secrets = merge(
    { for fn, spec in local.functions : fn => spec.secrets },
    { worker = local.worker_secrets },
  )

  secret_bindings = merge([
    for fn, secrets in local.identity_secrets : { for env_name, secret in secrets : "${fn} ${env_name}" => { fn = fn, secret = secret } if secret != null }
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
  member    = local.identity_members[each.value.fn]
}
