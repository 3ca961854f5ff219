# The deploy review's findings (issue 23), each asserted on the mocked plan so it cannot come back.
# What a plan cannot see (provider settings, depends_on) is asserted on the parsed HCL by
# test/unit/terraform/deploy-findings.test.ts.

mock_provider "google" {
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

variables {
  project_id  = "codex-example"
  region      = "europe-west1"
  environment = "staging"
  image       = "europe-west1-docker.pkg.dev/codex-example/codex-jobs/codex-jobs:v1"
}

run "codex_runs_on_the_second_generation_runtime" {
  command = plan

  # Every deployment whose target runs Codex (the processor target) is a Cloud Run service pinned to
  # gen2; none is a Cloud Function, whose execution environment Cloud Run picks by itself.
  assert {
    condition     = sort(keys(google_cloud_run_v2_service.codex)) == sort([for name, fn in local.functions : name if fn.entry_point == "processor"]) && length([for name, fn in google_cloudfunctions2_function.fn : name if fn.build_config[0].entry_point == "processor"]) == 0
    error_message = "every deployment of the processor target is a google_cloud_run_v2_service, and no Cloud Function runs it"
  }

  assert {
    condition     = alltrue([for s in google_cloud_run_v2_service.codex : s.template[0].execution_environment == "EXECUTION_ENVIRONMENT_GEN2"])
    error_message = "every service that runs codex pins EXECUTION_ENVIRONMENT_GEN2"
  }

  assert {
    condition = alltrue([for name, s in google_cloud_run_v2_service.codex : (
      s.template[0].containers[0].image == var.image &&
      join(" ", s.template[0].containers[0].command) == "/app/node_modules/.bin/functions-framework" &&
      join(" ", s.template[0].containers[0].args) == "--target=processor --signature-type=http" &&
      contains([for e in s.template[0].containers[0].env : "${e.name}=${e.value}" if e.value != null], "FUNCTION_TARGET=processor")
    )])
    error_message = "the processors run the image's Functions Framework with the processor target"
  }

  # Identity, internal ingress, OIDC push auth and the invoker binding, as the Cloud Functions had.
  assert {
    condition = alltrue([for name, s in google_cloud_run_v2_service.codex : (
      s.ingress == "INGRESS_TRAFFIC_INTERNAL_ONLY" &&
      s.template[0].service_account == google_service_account.fn[name].email &&
      google_cloud_run_service_iam_member.push_invoker[name].service == name &&
      google_cloud_run_service_iam_member.push_invoker[name].role == "roles/run.invoker" &&
      google_cloud_run_service_iam_member.push_invoker[name].member == google_service_account.push.member
    )])
    error_message = "the processor services keep their identity, internal ingress and the push identity as sole invoker"
  }

  assert {
    condition = alltrue([for sub in ["codex-jobs-processor", "codex-jobs-priority-processor-priority", "codex-jobs-dead-letter-processor"] : (
      google_pubsub_subscription.push[sub].push_config[0].oidc_token[0].service_account_email == google_service_account.push.email
    )])
    error_message = "the processors' push subscriptions authenticate with the push identity's OIDC token"
  }

  # A job's workspace, outputs and dependencies fit the instance memory (the filesystem is memory).
  assert {
    condition     = alltrue([for s in google_cloud_run_v2_service.codex : s.template[0].containers[0].resources[0].limits.memory == "8Gi" && s.template[0].containers[0].resources[0].limits.cpu == "2"]) && google_cloud_run_v2_worker_pool.worker.template[0].containers[0].resources[0].limits.memory == "8Gi"
    error_message = "the processors and the worker get 8 GiB (2 CPUs) by default"
  }

  assert {
    condition     = local.job_memory_bytes == 1073741824 + 268435456 + 1073741824 + 1073741824
    error_message = "a job's budget is the runtime, the workspace input, the outputs and the dependency room"
  }
}

run "quota_project_and_apis" {
  command = plan

  assert {
    condition     = contains(keys(google_project_service.apis), "iamcredentials.googleapis.com")
    error_message = "the IAM Service Account Credentials API (signBlob for signed URLs) is enabled"
  }

  # The Pub/Sub service agent is created (generateServiceIdentity) before anything binds it.
  assert {
    condition     = terraform_data.pubsub_service_agent.input == "123456789012" && local.pubsub_service_agent == "serviceAccount:service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com"
    error_message = "the Pub/Sub service agent's address is read through terraform_data.pubsub_service_agent"
  }
}

run "alert_waits_for_its_metrics" {
  command = plan

  assert {
    condition     = time_sleep.log_metrics_visible.create_duration == "600s" && length(time_sleep.log_metrics_visible.triggers) == 4
    error_message = "the alert policy waits ten minutes after the log-based metrics they read are made"
  }

  assert {
    condition     = length(google_monitoring_alert_policy.jobs.conditions) == 4 && strcontains(google_monitoring_alert_policy.jobs.conditions[2].condition_threshold[0].filter, "codex_jobs/sandbox_refusals")
    error_message = "the alert policy covers sandbox refusals"
  }
}

run "long_lane_defaults" {
  command = plan

  assert {
    condition     = google_cloud_run_v2_worker_pool.worker.scaling[0].scaling_mode == "MANUAL" && google_cloud_run_v2_worker_pool.worker.scaling[0].manual_instance_count == 1 && google_cloud_run_v2_worker_pool.worker.template[0].containers[0].image == var.image
    error_message = "the worker pool scales manually (manual_instance_count from worker_instances) and runs the image"
  }

  assert {
    condition     = alltrue([for name in ["enqueue", "storage-trigger", "scheduler", "sweeper"] : google_cloudfunctions2_function.fn[name].service_config[0].environment_variables["LONG_JOBS_TOPIC"] == "codex-jobs-long"])
    error_message = "with worker instances, the producers route long jobs to codex-jobs-long"
  }

  # Every code path that publishes a job may publish to the long lane: the sweeper republishes them.
  assert {
    condition     = alltrue([for name in ["enqueue", "storage-trigger", "scheduler", "sweeper"] : contains(keys(google_pubsub_topic_iam_member.fn), "${name} codex-jobs-long roles/pubsub.publisher")])
    error_message = "the API, the storage trigger, the scheduler and the sweeper may publish to codex-jobs-long"
  }

  assert {
    condition     = length(google_cloud_scheduler_job.schedule) == 0
    error_message = "the example schedules are not deployed by default (each run spends model tokens)"
  }
}

run "worker_instances_from_a_variable" {
  command = plan
  variables {
    worker_instances = 3
  }

  assert {
    condition     = google_cloud_run_v2_worker_pool.worker.scaling[0].manual_instance_count == 3
    error_message = "worker_instances is the pool's manual_instance_count"
  }
}

run "no_worker_no_long_lane" {
  command = plan
  variables {
    worker_instances = 0
  }

  assert {
    condition     = alltrue([for name in ["enqueue", "storage-trigger", "scheduler", "sweeper"] : google_cloudfunctions2_function.fn[name].service_config[0].environment_variables["LONG_JOBS_TOPIC"] == ""])
    error_message = "without worker instances the producers get LONG_JOBS_TOPIC empty, so they refuse long jobs instead of queueing them for nothing"
  }
}

run "example_schedules_on_request" {
  command = plan
  variables {
    enable_example_schedules = true
  }

  assert {
    condition     = keys(google_cloud_scheduler_job.schedule) == ["example-nightly-summary"]
    error_message = "enable_example_schedules makes the example schedule"
  }
}

run "a_sample_image_is_refused" {
  command = plan
  variables {
    image = "us-docker.pkg.dev/cloudrun/container/worker-pool:latest"
  }
  expect_failures = [var.image]
}

run "processor_memory_must_hold_its_jobs" {
  command = plan
  variables {
    output_max_bytes = 8589934592
  }
  expect_failures = [google_cloud_run_v2_service.codex, google_cloud_run_v2_worker_pool.worker]
}

run "worker_memory_must_hold_its_jobs" {
  command = plan
  variables {
    worker_concurrency = 4
  }
  expect_failures = [google_cloud_run_v2_worker_pool.worker]
}

run "bigger_instances_get_the_cpus_cloud_run_requires" {
  command = plan
  variables {
    processor_memory_gib = 16
    worker_memory_gib    = 32
    worker_concurrency   = 8
  }

  assert {
    condition     = google_cloud_run_v2_service.codex["processor"].template[0].containers[0].resources[0].limits.cpu == "4" && google_cloud_run_v2_worker_pool.worker.template[0].containers[0].resources[0].limits.cpu == "8"
    error_message = "above 8 GiB an instance gets 4 CPUs, above 24 GiB 8"
  }
}
