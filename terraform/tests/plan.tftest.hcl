# `tofu test` (run by `npm run check:terraform`): plans the whole configuration with a mocked google
# provider, so every reference, for_each key, precondition and provider-side value check is evaluated
# without credentials. The archive provider is real: the plan packs dist/ as a deploy would.

mock_provider "google" {
  # Mocked computed values are random strings by default, which the provider rejects where it expects
  # an IAM member or a service-account resource name; give them real shapes.
  mock_resource "google_service_account" {
    defaults = {
      name   = "projects/codex-example/serviceAccounts/codex-fn@codex-example.iam.gserviceaccount.com"
      email  = "codex-fn@codex-example.iam.gserviceaccount.com"
      member = "serviceAccount:codex-fn@codex-example.iam.gserviceaccount.com"
      id     = "projects/codex-example/serviceAccounts/codex-fn@codex-example.iam.gserviceaccount.com"
    }
  }
  mock_data "google_project" {
    defaults = {
      number = "123456789012"
    }
  }
}

# One example variable set: what a first deploy passes.
variables {
  project_id  = "codex-example"
  region      = "europe-west1"
  environment = "staging"
}

run "plans_the_whole_configuration" {
  command = plan

  assert {
    condition     = length(google_cloudfunctions2_function.fn) == length(local.functions)
    error_message = "every function of local.functions is planned"
  }

  assert {
    condition     = alltrue([for f in google_cloudfunctions2_function.fn : f.build_config[0].runtime == "nodejs22"])
    error_message = "every function runs on nodejs22"
  }

  assert {
    # The source archive holds the build and the package files only: no sources, tests or node_modules.
    condition     = data.archive_file.source.output_size < 4 * 1024 * 1024
    error_message = "the function source archive is ${data.archive_file.source.output_size} bytes: something beyond dist/ and the package files is in it"
  }

  assert {
    condition     = local.pubsub_service_agent == "serviceAccount:service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com"
    error_message = "the Pub/Sub service agent is derived from the project number"
  }
}

# Each variable validation rejects a bad value.
run "environment_must_be_lowercase" {
  command = plan
  variables {
    environment = "Prod"
  }
  expect_failures = [var.environment]
}

run "max_concurrent_jobs_at_least_one" {
  command = plan
  variables {
    max_concurrent_jobs = 0
  }
  expect_failures = [var.max_concurrent_jobs]
}

run "max_priority_jobs_at_most_1000" {
  command = plan
  variables {
    max_priority_jobs = 1001
  }
  expect_failures = [var.max_priority_jobs]
}

run "job_timeout_seconds_bounded" {
  command = plan
  variables {
    job_timeout_seconds = 30
  }
  expect_failures = [var.job_timeout_seconds]
}
