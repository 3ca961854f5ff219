// terraform/worker.tf matches the long lane the code builds locally (dev/topology.ts longLane) and
// deploys the worker as the contract says: a Cloud Run worker pool of `dist/functions/worker.js`, with
// manual scaling and the image from variables, on its own identity with only what it uses.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { deadLetterTopic, longLane, LONG_LANE_RETRY, WORKER } from '../../../dev/topology.js';
import { parseConfig } from '../../../shared/config.js';
import { dynamicBlock, loadTerraform, nested, repoRoot, resource, table, type Block, type TerraformConfig } from './terraform-config.js';

const defaults = parseConfig({ GOOGLE_CLOUD_PROJECT: 'example-project' });
const lane = longLane(defaults)!;

interface LongLaneLocal {
  topic: string;
  dead_letter_topic: string;
  subscription: string;
  ack_deadline_seconds: number;
  ordered: boolean;
  max_delivery_attempts: number;
  dead_letter_subscription: string;
  dead_letter_function: string;
}

describe('terraform/worker.tf matches the long lane of dev/topology.ts', () => {
  let tf: TerraformConfig;
  let local: LongLaneLocal;
  before(async () => {
    tf = await loadTerraform();
    local = tf.locals.long_lane as unknown as LongLaneLocal;
  });

  it('names the topic, its dead-letter topic and the subscriptions as the config defaults and the topology do', () => {
    assert.equal(local.topic, defaults.LONG_JOBS_TOPIC);
    assert.equal(local.subscription, defaults.LONG_JOBS_SUBSCRIPTION);
    assert.equal(local.dead_letter_topic, deadLetterTopic(local.topic));
    assert.deepEqual(lane.topics, [local.topic, local.dead_letter_topic]);
    assert.equal(lane.pull.subscription, local.subscription);
    assert.equal(lane.pull.ackDeadlineSeconds, local.ack_deadline_seconds);
    assert.equal(lane.pull.ordered, local.ordered);
    assert.equal(lane.pull.maxDeliveryAttempts, local.max_delivery_attempts);
    assert.equal(lane.pull.deadLetterTopic, local.dead_letter_topic);
    assert.equal(lane.deadLetter.subscription, local.dead_letter_subscription);
    assert.equal(lane.deadLetter.pushTo, local.dead_letter_function);
    assert.equal(resource(tf, 'google_pubsub_topic', 'long_lane').for_each, '${toset([local.long_lane.topic, local.long_lane.dead_letter_topic])}');
  });

  it('makes the worker subscription a pull subscription with the job-lane retry and dead-letter rules', () => {
    const sub = resource(tf, 'google_pubsub_subscription', 'long_lane_worker');
    assert.equal(sub.name, '${local.long_lane.subscription}');
    assert.equal(sub.push_config, undefined, 'the worker pulls: no push_config');
    assert.equal(sub.ack_deadline_seconds, '${local.long_lane.ack_deadline_seconds}');
    assert.equal(sub.enable_message_ordering, '${local.long_lane.ordered}');
    const retry = nested(sub, 'retry_policy');
    assert.deepEqual([retry.minimum_backoff, retry.maximum_backoff], [`${LONG_LANE_RETRY.min}s`, `${LONG_LANE_RETRY.max}s`]);
    const dl = nested(sub, 'dead_letter_policy');
    assert.equal(dl.max_delivery_attempts, '${local.long_lane.max_delivery_attempts}');
    assert.equal(local.max_delivery_attempts, 100, 'waiting for capacity is not failing');
    assert.equal(dl.dead_letter_topic, '${google_pubsub_topic.long_lane[local.long_lane.dead_letter_topic].id}');
    assert.equal(nested(sub, 'expiration_policy').ttl, '');
    // Its dead letters are pushed to a processor by one of pubsub.tf's push subscriptions (no dead-letter topic of its own).
    assert.match(String(tf.locals.push_subscriptions), /local\.long_lane_push_subscriptions/);
    assert.match(String(tf.locals.topic_ids), /google_pubsub_topic\.long_lane/, 'push subscriptions may read the long-lane topics');
    const dead = table<Block>(tf, 'long_lane_push_subscriptions');
    assert.deepEqual(Object.keys(dead), ['${(local.long_lane.dead_letter_subscription)}']);
    const entry = Object.values(dead)[0]!;
    assert.deepEqual([entry.topic, entry.function, entry.dead_letter_topic], [local.dead_letter_topic, local.dead_letter_function, null]);
    assert.equal(resource(tf, 'google_pubsub_topic_iam_member', 'long_lane_dead_letter_publisher').member, '${local.pubsub_service_agent}');
    assert.equal(resource(tf, 'google_pubsub_subscription_iam_member', 'long_lane_dead_letter_subscriber').member, '${local.pubsub_service_agent}');
  });

  it('lets every producer publish to the long lane, and empties LONG_JOBS_TOPIC when no worker runs', () => {
    // The grants are function_access entries (iam.tf); iam-matches-code.test.ts derives who needs one from the code.
    const access = table<{ topic_roles: { topic: string; role: string }[] }>(tf, 'function_access');
    const producers = Object.entries(access).filter(([, a]) => a.topic_roles.some((r) => r.topic === local.topic && r.role === 'roles/pubsub.publisher')).map(([fn]) => fn);
    assert.deepEqual(producers.sort(), ['enqueue', 'scheduler', 'storage-trigger', 'sweeper']);
    assert.equal(resource(tf, 'google_pubsub_topic_iam_member', 'fn').topic, '${local.topic_ids[each.value.topic]}');
    assert.equal(tf.locals.long_jobs_topic_env, '${local.long_lane_enabled ? local.long_lane.topic : ""}');
    assert.equal(tf.locals.long_lane_enabled, '${var.worker_instances > 0}');
    const functions = table<{ env: Record<string, string> }>(tf, 'functions');
    // table() follows local references: each producer's LONG_JOBS_TOPIC is local.long_jobs_topic_env.
    for (const fn of producers) assert.equal(functions[fn]!.env.LONG_JOBS_TOPIC, tf.locals.long_jobs_topic_env, `${fn}: LONG_JOBS_TOPIC`);
  });

  it('deploys the worker as a Cloud Run worker pool: the image and manual_instance_count from variables, its own identity, the worker env', () => {
    const pool = resource(tf, 'google_cloud_run_v2_worker_pool', 'worker');
    const scaling = nested(pool, 'scaling');
    // Worker pools take only manual scaling (provider issue 26525).
    assert.deepEqual(scaling, { scaling_mode: 'MANUAL', manual_instance_count: '${var.worker_instances}' });
    assert.equal(tf.variables.image!.default, undefined, 'the image is required: no sample-image default');
    const template = nested(pool, 'template');
    assert.equal(template.service_account, '${google_service_account.worker.email}');
    const container = nested(template, 'containers');
    assert.equal(container.image, '${var.image}');
    assert.equal(dynamicBlock(container, 'env').forEach, '${local.worker_env}');
    assert.equal(container.env, undefined, 'every env entry comes from local.worker_env or local.worker_secrets');
    // The second dynamic env: the processor's secrets (the model key, GIT_CREDENTIALS when set) from Secret Manager.
    const secretEnv = ((container.dynamic as Record<string, Block[]>).env ?? [])[1];
    assert.ok(secretEnv, 'a dynamic env of secrets');
    assert.equal(secretEnv.for_each, '${{ for name, secret in local.worker_secrets : name => secret if secret != null }}');
    assert.match(JSON.stringify(secretEnv.content), /data\.google_secret_manager_secret\.wired\[env\.value\]\.secret_id/);
    assert.equal(tf.locals.worker_secrets, '${local.processor_secrets}');
    assert.deepEqual(Object.keys(table(tf, 'processor_secrets')).sort(), ['ENV_SECRETS_KEY', 'GITHUB_APP_PRIVATE_KEY', 'GIT_CREDENTIALS', 'OPENAI_API_KEY']);
    const env = tf.locals.worker_env as string;
    assert.match(env, /local\.processor_env : name => value if name != "PROCESSOR_CONCURRENCY"/, "the processor's env but its push-lane gate");
    for (const name of ['LONG_JOBS_TOPIC', 'LONG_JOBS_SUBSCRIPTION', 'MAX_LONG_JOB_TIMEOUT_MS', 'WORKER_CONCURRENCY', 'WORKER_GRACE_MS']) assert.ok(env.includes(name), `worker env sets ${name}`);
  });

  it('gives the worker identity only what it uses', () => {
    const member = '${google_service_account.worker.member}';
    // Its roles are the processors' (iam.tf function_access, checked against its code by
    // iam-matches-code.test.ts), bound to its own account; its secrets are the processors' (secrets.tf).
    const access = table(tf, 'function_access');
    assert.deepEqual(access.worker, access.processor);
    assert.equal((tf.locals.function_access as Record<string, unknown>).worker, '${local.job_runner_access}');
    assert.match(String(tf.locals.identity_members), /worker = google_service_account\.worker\.member/);
    assert.match(String(tf.locals.identity_secrets), /worker = local\.worker_secrets/);
    for (const [type, name] of [['google_project_iam_member', 'fn'], ['google_pubsub_topic_iam_member', 'fn'], ['google_storage_bucket_iam_member', 'fn'], ['google_secret_manager_secret_iam_member', 'accessor']] as const) {
      assert.equal(resource(tf, type, name).member, '${local.identity_members[each.value.fn]}', `${type}.${name}`);
    }
    // Beyond those: consuming its one subscription, and nothing else.
    const consumes = resource(tf, 'google_pubsub_subscription_iam_member', 'worker_consumes');
    assert.deepEqual([consumes.subscription, consumes.role, consumes.member], ['${google_pubsub_subscription.long_lane_worker.id}', 'roles/pubsub.subscriber', member]);
    const workerGrants = Object.entries(tf.resources).flatMap(([type, byName]) => Object.entries(byName).filter(([, b]) => b.member === member).map(([n]) => `${type}.${n}`));
    assert.deepEqual(workerGrants, ['google_pubsub_subscription_iam_member.worker_consumes']);
  });

  it('builds the image from the Dockerfile that runs dist/functions/worker.js, and the k8s manifests use the same subscription', () => {
    const dockerfile = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
    assert.match(dockerfile, /^FROM --platform=linux\/amd64 node:22/m);
    assert.match(dockerfile, /npm ci --omit=dev/);
    assert.match(dockerfile, /npm run build/);
    assert.match(dockerfile, new RegExp(`CMD \\["node", "dist/${WORKER.source.replace('.', '\\.')}"\\]`));
    assert.ok(existsSync(path.join(repoRoot, 'functions', 'worker.ts')), 'functions/worker.ts is the entry');
    const scaled = readFileSync(path.join(repoRoot, 'deploy/k8s/scaledobject.yaml'), 'utf8');
    assert.match(scaled, /type: gcp-pubsub/);
    // The gcp-pubsub scaler takes the full resource name (it has no projectID key; k8s-manifests.test.ts).
    assert.match(scaled, new RegExp(`subscriptionName: projects/PROJECT/subscriptions/${local.subscription}\\b`));
    assert.match(scaled, /provider: gcp/, 'TriggerAuthentication with podIdentity gcp (Workload Identity)');
    const deployment = readFileSync(path.join(repoRoot, 'deploy/k8s/deployment.yaml'), 'utf8');
    assert.match(deployment, new RegExp(`name: LONG_JOBS_SUBSCRIPTION\\s+value: ${local.subscription}\\b`));
    assert.match(deployment, /iam\.gke\.io\/gcp-service-account/);
  });
});
