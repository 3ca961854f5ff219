// Consistency of terraform/ with the code: no terraform binary or provider download is available
// here, so the HCL is parsed and checked against the config schema, the topology and the registrations.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { BUNDLES } from '../../../dev/function-bundles.js';
import { FUNCTIONS, allTopics, deadLetterTopic, subscriptions } from '../../../dev/topology.js';
import { parseConfig } from '../../../shared/config.js';
import type { EnvName } from './function-env.js';
import { dynamicBlock, loadTerraform, nested, repoRoot, resolve, resource, table, terraformDir, withProject, type Block, type TerraformConfig } from './terraform-config.js';

const PROJECT = 'example-project';
const defaults = parseConfig({ GOOGLE_CLOUD_PROJECT: PROJECT });

interface FunctionEntry {
  entry_point: string;
  memory: string;
  cpu: string;
  concurrency: number;
  max_instances: unknown;
  timeout_seconds: unknown;
  ingress: string;
  env: Record<string, string>;
  secrets: Record<string, string>;
}

/** Targets registered with the Functions Framework in functions/<name>/index.ts. */
function registeredTargets(): Map<string, string> {
  const found = new Map<string, string>();
  const dir = path.join(repoRoot, 'functions');
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name, 'index.ts');
    if (!existsSync(file)) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(/functions\.(?:http|cloudEvent)\(\s*['"]([^'"]+)['"]/g)) found.set(m[1]!, path.relative(repoRoot, file));
  }
  return found;
}

describe('terraform/ matches the code', () => {
  let tf: TerraformConfig;
  let functions: Record<string, FunctionEntry>;
  before(async () => {
    tf = await loadTerraform();
    functions = table<FunctionEntry>(tf, 'functions');
  });

  it('pins the google provider to a range that has every resource used, and declares exactly the documented variables', () => {
    const providers = tf.terraform.flatMap((t) => (t.required_providers as Block[] | undefined) ?? []);
    const google = providers.map((p) => p.google as Block | undefined).find(Boolean);
    assert.ok(google, 'required_providers has no google entry');
    assert.equal(google.source, 'hashicorp/google');
    // google_cloud_run_v2_worker_pool came in 6.37; a major version not yet seen may break anything.
    assert.equal(google.version, '>= 6.37, < 8.0');
    assert.deepEqual(Object.keys(tf.variables).sort(), [
      'api_keys_secret', 'environment', 'git_credentials_secret', 'job_timeout_seconds', 'max_concurrent_jobs', 'max_priority_jobs',
      'openai_api_key_secret', 'processor_concurrency', 'project_id', 'region', 'sweep_batch', 'webhook_resend_after_seconds', 'webhook_secret_secret',
      'enable_example_schedules',
      // Environments: the key that seals their secrets, the dependency cache, the private hosts a policy may reach.
      'env_secrets_key_secret', 'env_cache_max_bytes', 'env_cache_ttl_days', 'network_private_allowlist',
      // The image and the long-lane worker (worker-variables.tf).
      'image', 'long_job_timeout_seconds', 'worker_concurrency', 'worker_instances',
      // Memory of what runs Codex (sizing-variables.tf).
      'dependency_cache_bytes', 'processor_memory_gib', 'worker_memory_gib',
      // Workspaces and outputs (workspace-variables.tf).
      'allow_insecure_git', 'git_allowlist', 'output_max_bytes', 'output_max_files', 'workspace_max_bytes', 'workspace_max_files',
      // Usage (issue 25): QUOTAS and MODEL_PRICES.
      'quotas', 'model_prices',
      // Alerts (issue 26, monitoring-variables.tf): thresholds and where they notify.
      'alert_notification_channels', 'alert_oldest_unacked_age_seconds', 'alert_dead_letter_messages', 'alert_failure_ratio', 'alert_failure_ratio_window_seconds',
      // Delivery and jobs from GitHub (forge-variables.tf).
      'forge_hosts', 'git_author', 'github_repos', 'trigger_phrase', 'trigger_label', 'github_app_id', 'github_webhook_secret_secret', 'github_app_private_key_secret',
    ].sort());
  });

  it('deploys every function of the topology with the entry point its module registers', () => {
    assert.deepEqual(Object.keys(functions).sort(), FUNCTIONS.map((f) => f.name).sort());
    const registered = registeredTargets();
    for (const spec of FUNCTIONS) {
      assert.equal(functions[spec.name]!.entry_point, spec.target, `${spec.name}: entry point`);
      assert.ok(registered.has(spec.target), `${spec.name}: no functions/*/index.ts registers '${spec.target}' (functions.http('${spec.target}', …))`);
    }
    const deployedTargets = new Set(Object.values(functions).map((f) => f.entry_point));
    for (const [target, file] of registered) assert.ok(deployedTargets.has(target), `${file} registers '${target}', which terraform does not deploy`);

    // The archive is the build: package files and dist/functions (the entry and each function's bundle,
    // dev/build-bundles.ts) and dist/console; the unbundled library is not deployed (no function loads it).
    const archive = tf.data.archive_file?.source;
    assert.ok(archive, 'data.archive_file.source is missing');
    assert.equal(archive.source_dir, '${path.module}/..');
    const excludes = archive.excludes as string[];
    for (const kept of ['dist', 'dist/**', 'dist/functions/**', 'dist/console/**', 'package.json', 'package-lock.json', '*.json']) assert.ok(!excludes.includes(kept), `the archive must keep ${kept}`);
    for (const left of ['dist/shared/**', 'dist/client/**', 'dist/compile-cache/**']) assert.ok(excludes.includes(left), `the archive leaves out ${left}`);
    for (const name of Object.keys(BUNDLES).filter((n) => n !== 'worker')) assert.ok(!excludes.some((e) => e.startsWith(`dist/functions/${name}`)), `the archive keeps the bundle of ${name}`);
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { main: string };
    assert.equal(pkg.main, 'dist/functions/index.js');
    assert.match(JSON.stringify(archive.lifecycle), /dist\/functions\/index\.js/, 'apply stops when the build is missing');

    const fn = resource(tf, 'google_cloudfunctions2_function', 'fn');
    // The processors are Cloud Run services of the image (deploy-findings.test.ts); the rest are functions.
    assert.equal(fn.for_each, '${local.cloud_functions}');
    assert.equal(fn.name, '${each.key}');
    const build = nested(fn, 'build_config');
    assert.equal(build.runtime, 'nodejs22');
    assert.equal(build.entry_point, '${each.value.entry_point}');
    assert.equal((build.environment_variables as Record<string, string>).GOOGLE_NODE_RUN_SCRIPTS, '', 'the archive carries dist/; the build must not run tsc');
    const service = nested(fn, 'service_config');
    assert.equal(service.max_instance_request_concurrency, '${each.value.concurrency}');
    assert.equal(service.max_instance_count, '${each.value.max_instances}');
    assert.equal(service.timeout_seconds, '${each.value.timeout_seconds}');
    assert.equal(service.ingress_settings, '${each.value.ingress}');
    assert.equal(service.service_account_email, '${google_service_account.fn[each.key].email}', 'one identity per function');
  });

  it('runs PROCESSOR_CONCURRENCY (default one) jobs per processor instance, capped per lane, inside one push request; the API takes many requests per instance', () => {
    assert.equal(tf.variables.processor_concurrency!.default, defaults.PROCESSOR_CONCURRENCY);
    for (const [name, cap] of [['processor', '${var.max_concurrent_jobs}'], ['processor-priority', '${var.max_priority_jobs}']] as const) {
      const p = functions[name]!;
      // The request concurrency and the code's gate are one setting: the instance takes what it runs.
      assert.equal(p.concurrency, '${var.processor_concurrency}', `${name}: PROCESSOR_CONCURRENCY requests (jobs) per instance`);
      assert.equal(p.env.PROCESSOR_CONCURRENCY, '${tostring(var.processor_concurrency)}', `${name}: the gate`);
      assert.equal(p.max_instances, cap, `${name}: instance cap`);
      assert.equal(resolve(tf, p.timeout_seconds), 600, `${name}: a push request lives at most 600 s`);
      assert.equal(p.memory, '${var.processor_memory_gib}Gi', `${name}: memory sized for Codex jobs (sizing.tf)`);
    }
    // job_timeout_seconds is MAX_JOB_TIMEOUT_MS in seconds, with the config's own ceiling.
    const timeoutRule = String(nested(tf.variables.job_timeout_seconds!, 'validation').condition);
    assert.match(timeoutRule, /<= 540\b/, 'job_timeout_seconds follows MAX_JOB_TIMEOUT_MS ≤ 540000');
    assert.equal(tf.locals.max_job_timeout_ms, '${tostring(var.job_timeout_seconds * 1000)}');
    assert.equal(tf.variables.job_timeout_seconds!.default, defaults.MAX_JOB_TIMEOUT_MS / 1000);
    assert.throws(() => parseConfig({ MAX_JOB_TIMEOUT_MS: String(541 * 1000) }), /MAX_JOB_TIMEOUT_MS/);
    assert.ok(functions.enqueue!.concurrency > 1, 'enqueue takes concurrent requests');
  });

  it('runs the sweeper alone, every minute from Cloud Scheduler through codex-sweeps', () => {
    const sweeper = functions.sweeper!;
    assert.equal(sweeper.max_instances, 1);
    assert.equal(sweeper.concurrency, 1);
    const job = resource(tf, 'google_cloud_scheduler_job', 'sweep');
    assert.equal(job.schedule, '* * * * *');
    assert.equal(nested(job, 'pubsub_target').topic_name, '${google_pubsub_topic.all[local.topics.sweeps].id}');
    assert.equal(table<string>(tf, 'topics').sweeps, defaults.SWEEPS_TOPIC);
  });

  it('names topics and buckets as the config defaults do, and passes those names to the functions', () => {
    const topics = table<string>(tf, 'topics');
    const base = [defaults.JOBS_TOPIC, defaults.PRIORITY_JOBS_TOPIC, defaults.RESULTS_TOPIC, defaults.SCHEDULES_TOPIC, defaults.STORAGE_EVENTS_TOPIC, defaults.SWEEPS_TOPIC];
    assert.deepEqual(Object.values(topics).sort(), [...base].sort());
    assert.deepEqual(Object.values(table<string>(tf, 'dead_letter_topics')).sort(), base.map(deadLetterTopic).sort());
    const created = resource(tf, 'google_pubsub_topic', 'all');
    assert.equal(created.for_each, '${toset(concat(values(local.topics), values(local.dead_letter_topics)))}');
    assert.deepEqual(allTopics(defaults).sort(), [...base, ...base.map(deadLetterTopic)].sort());

    const buckets = table<string>(tf, 'buckets');
    assert.deepEqual(
      Object.fromEntries(Object.entries(buckets).map(([k, v]) => [k, withProject(v, PROJECT)])),
      { uploads: defaults.UPLOADS_BUCKET, outputs: defaults.OUTPUTS_BUCKET, results: defaults.RESULTS_BUCKET },
    );

    const expected: Partial<Record<EnvName, string>> = {
      GOOGLE_CLOUD_PROJECT: PROJECT,
      JOBS_TOPIC: defaults.JOBS_TOPIC,
      PRIORITY_JOBS_TOPIC: defaults.PRIORITY_JOBS_TOPIC,
      RESULTS_TOPIC: defaults.RESULTS_TOPIC,
      SCHEDULES_TOPIC: defaults.SCHEDULES_TOPIC,
      STORAGE_EVENTS_TOPIC: defaults.STORAGE_EVENTS_TOPIC,
      SWEEPS_TOPIC: defaults.SWEEPS_TOPIC,
      UPLOADS_BUCKET: defaults.UPLOADS_BUCKET,
      OUTPUTS_BUCKET: defaults.OUTPUTS_BUCKET,
      RESULTS_BUCKET: defaults.RESULTS_BUCKET,
    };
    for (const [name, fn] of Object.entries(functions)) {
      for (const [key, value] of Object.entries(fn.env)) {
        const want = expected[key as EnvName];
        if (want !== undefined) assert.equal(withProject(value, PROJECT), want, `${name}: ${key}`);
      }
      // Plain settings must parse with the real schema.
      const literal = Object.fromEntries(Object.entries(fn.env).filter(([, v]) => !v.includes('${')).map(([k, v]) => [k, v]));
      assert.doesNotThrow(() => parseConfig({ ...literal, GOOGLE_CLOUD_PROJECT: PROJECT }), `${name}: settings`);
    }
  });

  it('lets only the push identity invoke the pushed functions, and everyone the API', () => {
    const pushedTargets = new Set<string>(subscriptions(defaults).flatMap((s) => (s.pushTo ? [s.pushTo] : [])));
    for (const [name, fn] of Object.entries(functions)) {
      assert.equal(fn.ingress, name === 'enqueue' ? 'ALLOW_ALL' : 'ALLOW_INTERNAL_ONLY', `${name}: ingress`);
      assert.equal(pushedTargets.has(name), name !== 'enqueue', `${name}: fed by a push subscription`);
    }
    const invoker = resource(tf, 'google_cloud_run_service_iam_member', 'push_invoker');
    assert.equal(invoker.for_each, '${local.pushed_functions}');
    assert.equal(invoker.member, '${google_service_account.push.member}');
    assert.equal(invoker.role, 'roles/run.invoker');
    const open = resource(tf, 'google_cloud_run_service_iam_member', 'enqueue_public');
    assert.equal(open.service, '${google_cloudfunctions2_function.fn["enqueue"].name}');
    assert.equal(open.member, 'allUsers');
    const allUsers = Object.entries(tf.resources).flatMap(([type, byName]) => Object.entries(byName).filter(([, b]) => b.member === 'allUsers').map(([n]) => `${type}.${n}`));
    assert.deepEqual(allUsers, ['google_cloud_run_service_iam_member.enqueue_public']);
  });

  it('grants each function identity only what it uses', () => {
    const access = table<{ project_roles: string[]; topic_roles: { topic: string; role: string }[]; bucket_roles: { bucket: string; role: string }[] }>(tf, 'function_access');
    assert.deepEqual(Object.keys(access).sort(), [...Object.keys(functions), 'worker'].sort(), 'every function, and the long-lane worker');
    const topicsOf = (fn: string, role: string) => access[fn]!.topic_roles.filter((r) => r.role === role).map((r) => r.topic).sort();
    const bucketsOf = (fn: string) => access[fn]!.bucket_roles.map((r) => `${r.bucket}:${r.role}`).sort();
    for (const fn of Object.keys(access)) assert.deepEqual(access[fn]!.project_roles, ['roles/datastore.user'], `${fn}: project roles`);
    assert.deepEqual(topicsOf('enqueue', 'roles/pubsub.publisher'), [defaults.JOBS_TOPIC, defaults.PRIORITY_JOBS_TOPIC, defaults.LONG_JOBS_TOPIC, defaults.RESULTS_TOPIC].sort());
    for (const p of ['processor', 'processor-priority', 'worker']) {
      assert.deepEqual(topicsOf(p, 'roles/pubsub.publisher'), [defaults.RESULTS_TOPIC]);
      assert.deepEqual(bucketsOf(p), ['outputs:roles/storage.objectUser', 'results:roles/storage.objectUser', 'uploads:roles/storage.objectViewer']);
    }
    assert.deepEqual(bucketsOf('enqueue'), ['outputs:roles/storage.objectViewer', 'results:roles/storage.objectViewer', 'uploads:roles/storage.objectUser']);
    // Upload URLs are signed with signBlob on the API's own identity, and only that.
    const signer = resource(tf, 'google_service_account_iam_member', 'enqueue_signs_upload_urls');
    assert.equal(signer.service_account_id, '${google_service_account.fn["enqueue"].name}');
    assert.equal(signer.role, 'roles/iam.serviceAccountTokenCreator');
    assert.equal(signer.member, 'serviceAccount:${google_service_account.fn["enqueue"].email}');
    assert.deepEqual(bucketsOf('storage-trigger'), ['uploads:roles/storage.objectViewer']);
    assert.deepEqual(topicsOf('notifier', 'roles/pubsub.publisher'), [deadLetterTopic(defaults.RESULTS_TOPIC)]);
    assert.deepEqual(bucketsOf('notifier'), []);
    assert.deepEqual(bucketsOf('scheduler'), []);
    assert.deepEqual(topicsOf('sweeper', 'roles/pubsub.publisher'), [defaults.JOBS_TOPIC, defaults.PRIORITY_JOBS_TOPIC, defaults.LONG_JOBS_TOPIC, defaults.RESULTS_TOPIC].sort());
    assert.deepEqual(bucketsOf('sweeper'), []);
  });

  it('makes the buckets private, versions outputs, expires them after 30/90/365 days and notifies codex-storage-events of uploads', () => {
    const settings = table<{ name: string; delete_after_days: number; versioning: boolean }>(tf, 'bucket_settings');
    assert.deepEqual(
      Object.fromEntries(Object.entries(settings).map(([k, s]) => [k, [s.delete_after_days, s.versioning]])),
      { uploads: [30, false], outputs: [90, true], results: [365, false] },
    );
    const bucket = resource(tf, 'google_storage_bucket', 'data');
    assert.equal(bucket.for_each, '${local.bucket_settings}');
    assert.equal(bucket.uniform_bucket_level_access, true);
    assert.equal(bucket.public_access_prevention, 'enforced');
    assert.equal(nested(bucket, 'versioning').enabled, '${each.value.versioning}');
    assert.equal(nested(nested(bucket, 'lifecycle_rule'), 'condition').age, '${each.value.delete_after_days}');
    assert.match(JSON.stringify(bucket), /matches_prefix[^\]]*inputs\//, 'workspace uploads under inputs/ expire after 7 days');
    const rules = (bucket.dynamic as Record<string, Block[]>).lifecycle_rule ?? [];
    const cacheRule = rules.find((r) => JSON.stringify(r).includes('env-cache/'));
    assert.ok(cacheRule, 'a lifecycle rule deletes env-cache/ objects');
    assert.equal(cacheRule.for_each, '${each.key == "results" ? [1] : []}', 'on the results bucket only');
    const cacheCondition = nested(nested(cacheRule, 'content'), 'condition');
    assert.equal(cacheCondition.age, '${var.env_cache_ttl_days}');
    assert.deepEqual(cacheCondition.matches_prefix, ['env-cache/']);
    assert.equal(tf.variables.env_cache_ttl_days!.default, 7);
    const notification = resource(tf, 'google_storage_notification', 'uploads');
    assert.equal(notification.bucket, '${google_storage_bucket.data["uploads"].name}');
    assert.equal(notification.topic, '${google_pubsub_topic.all[local.topics.storage_events].id}');
    assert.equal(notification.payload_format, 'JSON_API_V1');
    assert.deepEqual(notification.event_types, ['OBJECT_FINALIZE', 'OBJECT_DELETE']);
    const gcsPublisher = resource(tf, 'google_pubsub_topic_iam_member', 'gcs_publishes_storage_events');
    assert.equal(gcsPublisher.topic, notification.topic);
    assert.equal(gcsPublisher.role, 'roles/pubsub.publisher');
  });

  it('creates the Firestore database, the indexes of firestore.indexes.json and the TTL policy on expire_at', () => {
    resource(tf, 'google_firestore_database', 'default');
    assert.equal(tf.locals.firestore_indexes_file, '${jsondecode(file("${path.module}/../firestore.indexes.json"))}');
    const file = JSON.parse(readFileSync(path.join(repoRoot, 'firestore.indexes.json'), 'utf8')) as { indexes: { fields: Record<string, unknown>[] }[] };
    for (const idx of file.indexes) for (const f of idx.fields) assert.ok('order' in f || 'arrayConfig' in f, `index field ${JSON.stringify(f)} has neither order nor arrayConfig`);
    const index = resource(tf, 'google_firestore_index', 'composite');
    assert.equal(index.for_each, '${local.firestore_indexes}');
    assert.match(String(tf.locals.firestore_indexes), /for idx in local\.firestore_indexes_file\.indexes/);
    assert.ok((resolve(tf, '${local.ttl_fields}') as string).includes('"jobs/expire_at"'), 'TTL on jobs.expire_at');
    assert.match(String(tf.locals.firestore_field_overrides), /local\.firestore_indexes_file\.fieldOverrides/, 'fieldOverrides (TTL, exemptions) come from the file too');
    const field = resource(tf, 'google_firestore_field', 'override');
    assert.match(dynamicBlock(field, 'ttl_config').forEach, /contains\(local\.ttl_fields, each\.key\)/);
    assert.ok(readFileSync(path.join(repoRoot, 'shared/store/firestore-job-codec.ts'), 'utf8').includes('Timestamp.fromDate'), 'expire_at must be stored as a Timestamp for TTL to act on it');
    // The client access rules are the tested firestore.rules, also named in firebase.json.
    const ruleset = nested(nested(resource(tf, 'google_firebaserules_ruleset', 'firestore'), 'source'), 'files');
    assert.equal(ruleset.content, '${file("${path.module}/../firestore.rules")}');
    assert.equal(resource(tf, 'google_firebaserules_release', 'firestore').name, 'cloud.firestore');
    const firebase = JSON.parse(readFileSync(path.join(repoRoot, 'firebase.json'), 'utf8')) as { firestore: { rules: string; indexes: string } };
    assert.deepEqual(firebase.firestore, { rules: 'firestore.rules', indexes: 'firestore.indexes.json' });
  });

  it('creates one Cloud Scheduler job per entry of schedules.json, publishing to codex-schedules', () => {
    // Entries named example-… are made only with enable_example_schedules (off by default).
    assert.equal(tf.locals.schedules, '${{ for s in jsondecode(file("${path.module}/schedules.json")) : s.name => s if var.enable_example_schedules || !startswith(s.name, "example-") }}');
    assert.equal(tf.variables.enable_example_schedules!.default, false);
    const file = path.join(terraformDir, 'schedules.json');
    assert.ok(existsSync(file), 'terraform/schedules.json is missing');
    const entries = JSON.parse(readFileSync(file, 'utf8')) as { name: string; cron: string; time_zone: string; request: unknown }[];
    assert.ok(Array.isArray(entries), 'schedules.json is an array');
    assert.equal(new Set(entries.map((e) => e.name)).size, entries.length, 'schedule names are unique');
    for (const e of entries) {
      assert.match(e.name, /^[A-Za-z0-9_-]{1,500}$/, `schedule name ${e.name}: Cloud Scheduler job name`);
      assert.equal(e.cron.trim().split(/\s+/).length, 5, `schedule ${e.name}: Cloud Scheduler takes unix-cron (5 fields)`);
      assert.equal(typeof e.time_zone, 'string');
      assert.equal(typeof e.request, 'object');
    }
    const job = resource(tf, 'google_cloud_scheduler_job', 'schedule');
    assert.equal(job.for_each, '${local.schedules}');
    assert.equal(job.schedule, '${each.value.cron}');
    assert.equal(job.time_zone, '${each.value.time_zone}');
    const target = nested(job, 'pubsub_target');
    assert.equal(target.topic_name, '${google_pubsub_topic.all[local.topics.schedules].id}');
    assert.equal(target.data, '${base64encode(jsonencode(each.value.request))}');
    assert.deepEqual(target.attributes, { schedule: '${each.key}' });
  });

  it('alerts on failed jobs and dead letters, using log messages the processor really writes', () => {
    const failed = resource(tf, 'google_logging_metric', 'failed_jobs');
    const dead = resource(tf, 'google_logging_metric', 'dead_lettered_jobs');
    assert.match(String(failed.filter), /jsonPayload\.message=\\?"job failed\\?"/);
    assert.match(String(dead.filter), /jsonPayload\.message=\\?"job message dead-lettered\\?"/);
    const processor = (file: string) => readFileSync(path.join(repoRoot, 'shared/processor', file), 'utf8');
    assert.match(processor('run-claimed-job.ts'), /deps\.log\.info\(jobFinishedMessage\(done\), jobFinishedFields\(done\)\)/, 'run-claimed-job.ts logs `job ${status}` with job-finished-log.ts fields (log-metrics-match-the-logs.test.ts checks them)');
    assert.ok(processor('dead-letter.ts').includes("'job message dead-lettered'"), "dead-letter.ts logs 'job message dead-lettered'");
    const policy = JSON.stringify(resource(tf, 'google_monitoring_alert_policy', 'jobs'));
    assert.ok(policy.includes('google_logging_metric.failed_jobs.name') && policy.includes('google_logging_metric.dead_lettered_jobs.name'));
    assert.ok(policy.includes('dead-letter-hold'), 'held dead letters alert too');
  });

  it('outputs the API URL, bucket names and topic names', () => {
    for (const name of ['api_url', 'buckets', 'topics']) assert.ok(tf.outputs[name], `output ${name}`);
    assert.equal(tf.outputs.api_url!.value, '${google_cloudfunctions2_function.fn["enqueue"].service_config[0].uri}');
  });
});
