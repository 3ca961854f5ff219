# Terraform (or OpenTofu) and provider versions. `npm run check:terraform` validates and plans this
# configuration with OpenTofu v1.10.6, the google provider of 2026-08-28, archive and time (see
# docs/DEPLOY.md). The google range starts at 6.37, the first release with google_cloud_run_v2_worker_pool
# (and build-free google_cloud_run_v2_service with execution_environment, older); 8.x is unknown.
terraform {
  required_version = ">= 1.5"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 6.37, < 8.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = ">= 2.5, < 3.0"
    }
    # time_sleep: the alert policy waits for its log-based metrics to become visible (monitoring.tf).
    time = {
      source  = "hashicorp/time"
      version = ">= 0.9, < 1.0"
    }
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
  # Applied with user credentials (gcloud auth application-default login), client-based APIs such as
  # Firebase Rules refuse calls without a quota project (403; provider issue 8263). Bill every call
  # to the deployed project instead of the credentials' own.
  user_project_override = true
  billing_project       = var.project_id
}
