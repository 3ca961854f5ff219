# Terraform (or OpenTofu) and provider versions. `npm run check:terraform` validates and plans this
# configuration with OpenTofu v1.10.6 and the google provider of 2026-08-28 (see docs/DEPLOY.md).
terraform {
  required_version = ">= 1.5"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 5.0, < 8.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = ">= 2.5"
    }
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
}
