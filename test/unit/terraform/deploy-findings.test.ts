// The deploy review's findings (issue 23) that a mocked plan cannot see, asserted on the parsed HCL:
// provider settings, ordering (depends_on), and how the processor services are wired. The rest is in
// terraform/tests/deploy.tftest.hcl (npm run check:terraform).
import assert from 'node:assert/strict';
import { maxHeaderSize } from 'node:http';
import { before, describe, it } from 'node:test';
import { UPLOAD_MAX_BYTES } from '../../../shared/workspace/upload-object.js';
import { FUNCTION_ENV } from './function-env.js';
import { dynamicBlock, loadTerraform, nested, resource, table, type Block, type TerraformConfig } from './terraform-config.js';

describe('terraform/ carries the deploy fixes', () => {
  let tf: TerraformConfig;
  before(async () => {
    tf = await loadTerraform();
  });

  it('bills API calls to the project (a quota project for user credentials: Firebase Rules would 403)', () => {
    const google = tf.providers.google;
    assert.ok(google, 'a provider "google" block');
    assert.equal(google.user_project_override, true);
    assert.equal(google.billing_project, '${var.project_id}');
  });

  it('creates the alert policies only after their log-based metrics can be found', () => {
    const sleep = resource(tf, 'time_sleep', 'log_metrics_visible');
    assert.equal(sleep.create_duration, '600s', 'provider issue 11102: up to ten minutes');
    // google_logging_metric.NAME or (log-metrics.tf's table) google_logging_metric.codex["NAME"].
    const metricRefs = (text: string, attr: string) => [...text.matchAll(new RegExp(`google_logging_metric\\.(\\w+)(?:\\[\\\\?"(\\w+)\\\\?"\\])?\\.${attr}`, 'g'))].map((m) => m[2] ?? m[1]!);
    const used = Object.values(tf.resources.google_monitoring_alert_policy ?? {}).flatMap((policy) => {
      const names = metricRefs(JSON.stringify(policy), 'name');
      if (names.length) assert.deepEqual(policy.depends_on, ['${time_sleep.log_metrics_visible}'], `${String(policy.display_name)} waits for its metrics`);
      return names;
    });
    const waited = Object.values(sleep.triggers as Record<string, string>).flatMap((v) => metricRefs(v, 'id')).sort();
    assert.deepEqual(waited, [...new Set(used)].sort(), 'the sleep is re-made with any metric a policy uses');
    assert.ok(waited.includes('failed_jobs') && waited.includes('finished_jobs'));
  });

  it('runs the processor target only on second-generation Cloud Run services, wired as the functions were', () => {
    const functions = table<{ entry_point: string; runs_codex: boolean }>(tf, 'functions');
    for (const [name, fn] of Object.entries(functions)) assert.equal(fn.runs_codex, fn.entry_point === 'processor', `${name}: runs_codex`);
    assert.equal(tf.locals.codex_services, '${{ for name, fn in local.functions : name => fn if fn.runs_codex }}');
    assert.equal(tf.locals.cloud_functions, '${{ for name, fn in local.functions : name => fn if !fn.runs_codex }}');
    const svc = resource(tf, 'google_cloud_run_v2_service', 'codex');
    assert.equal(svc.for_each, '${local.codex_services}');
    assert.equal(svc.ingress, 'INGRESS_TRAFFIC_INTERNAL_ONLY');
    const template = nested(svc, 'template');
    assert.equal(template.execution_environment, 'EXECUTION_ENVIRONMENT_GEN2');
    assert.equal(template.service_account, '${google_service_account.fn[each.key].email}');
    assert.equal(template.max_instance_request_concurrency, '${each.value.concurrency}');
    assert.equal(template.timeout, '${each.value.timeout_seconds}s');
    const container = nested(template, 'containers');
    assert.equal(container.image, '${var.image}');
    // Every variable the code reads comes from the same table as for a Cloud Function (function-env.test.ts).
    const envs = ((container.dynamic as Record<string, Block[]>).env ?? []);
    assert.equal(envs.length, 2);
    assert.equal(envs[0]!.for_each, '${each.value.env}');
    assert.equal(envs[1]!.for_each, '${{ for name, secret in each.value.secrets : name => secret if secret != null }}');
    assert.deepEqual(container.env, [{ name: 'FUNCTION_TARGET', value: '${each.value.entry_point}' }]);
    for (const v of ['OPENAI_API_KEY', 'OUTPUTS_BUCKET', 'PROCESSOR_CONCURRENCY']) assert.ok(FUNCTION_ENV.processor.includes(v as never));
    // The invoker binding and the push endpoints reach the service whichever way it is deployed.
    assert.equal(resource(tf, 'google_cloud_run_service_iam_member', 'push_invoker').service, '${local.service_names[each.key]}');
    assert.match(String(tf.locals.service_uris), /google_cloud_run_v2_service\.codex : name => svc\.uri/);
    assert.match(JSON.stringify(svc.lifecycle), /local\.processor_jobs_fit/, 'the memory budget is checked');
    assert.match(JSON.stringify(resource(tf, 'google_cloud_run_v2_worker_pool', 'worker').lifecycle), /local\.worker_jobs_fit/);
  });

  it('makes the Pub/Sub service agent exist before anything binds it', () => {
    const agent = resource(tf, 'terraform_data', 'pubsub_service_agent');
    assert.equal(agent.input, '${data.google_project.project.number}');
    const exec = nested(agent.provisioner as unknown as Block, 'local-exec');
    assert.match(String(exec.command), /^gcloud beta services identity create --service=pubsub\.googleapis\.com --project=\$\{var\.project_id\}/);
    assert.match(String(tf.locals.pubsub_service_agent), /\$\{terraform_data\.pubsub_service_agent\.input\}@gcp-sa-pubsub/);
    // Nothing spells the agent's address itself (that would skip the dependency).
    const spelled = Object.entries(tf.resources).flatMap(([type, byName]) => Object.entries(byName).filter(([, b]) => String(b.member ?? '').includes('gcp-sa-pubsub')).map(([n]) => `${type}.${n}`));
    assert.deepEqual(spelled, []);
  });

  it('caps an upload so that a PUT through the API, headers and all, fits Cloud Run\'s 32 MiB request limit', () => {
    const cloudRunRequestLimit = 32 * 1024 * 1024;
    // The largest header block Node accepts, and room for the request line and chunked framing.
    assert.ok(UPLOAD_MAX_BYTES + maxHeaderSize + 64 * 1024 <= cloudRunRequestLimit, `${UPLOAD_MAX_BYTES} + headers is over ${cloudRunRequestLimit}`);
  });

  it('enables the IAM Service Account Credentials API the signed URLs need', () => {
    const apis = String(resource(tf, 'google_project_service', 'apis').for_each);
    assert.match(apis, /"iamcredentials\.googleapis\.com"/);
  });

  it('needs the image: no sample default, and the worker pool scales manually', () => {
    assert.equal(tf.variables.image!.default, undefined);
    assert.equal(dynamicBlock(nested(nested(resource(tf, 'google_cloud_run_v2_worker_pool', 'worker'), 'template'), 'containers'), 'env').forEach, '${local.worker_env}');
  });
});
