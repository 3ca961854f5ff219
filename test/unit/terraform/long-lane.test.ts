// terraform/worker.tf matches the long lane the code builds locally (dev/topology.ts longLane) and
// deploys the worker as the contract says: a Cloud Run worker pool of `dist/functions/worker.js`, with
// min/max scaling and the image from variables, on its own identity with only what it uses.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { deadLetterTopic, longLane, LONG_LANE_RETRY, WORKER } from '../../../dev/topology.js';
import { parseConfig } from '../../../shared/config.js';
import { dynamicBlock, loadTerraform, nested, repoRoot, resource, type Block, type TerraformConfig } from './terraform-config.js';

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
    const dead = resource(tf, 'google_pubsub_subscription', 'long_lane_dead_letter');
    assert.match(String(nested(dead, 'push_config').push_endpoint), /fn\[local\.long_lane\.dead_letter_function\]\.service_config\[0\]\.uri\}\/projects\/\$\{var\.project_id\}\/topics\/\$\{local\.long_lane\.dead_letter_topic\}$/);
    assert.equal(resource(tf, 'google_pubsub_topic_iam_member', 'long_lane_dead_letter_publisher').member, '${local.pubsub_service_agent}');
    assert.equal(resource(tf, 'google_pubsub_subscription_iam_member', 'long_lane_dead_letter_subscriber').member, '${local.pubsub_service_agent}');
  });

  it('lets every producer publish to the long lane', () => {
    assert.equal(tf.locals.long_lane_producers, '${toset(["enqueue", "storage-trigger", "scheduler"])}');
    const pub = resource(tf, 'google_pubsub_topic_iam_member', 'long_lane_producers');
    assert.equal(pub.role, 'roles/pubsub.publisher');
    assert.equal(pub.member, '${google_service_account.fn[each.key].member}');
  });

  it('deploys the worker as a Cloud Run worker pool: image and min/max from variables, its own identity, the worker env', () => {
    const pool = resource(tf, 'google_cloud_run_v2_worker_pool', 'worker');
    const scaling = nested(pool, 'scaling');
    assert.equal(scaling.min_instance_count, '${var.worker_min_instances}');
    assert.equal(scaling.max_instance_count, '${var.worker_max_instances}');
    const template = nested(pool, 'template');
    assert.equal(template.service_account, '${google_service_account.worker.email}');
    const container = nested(template, 'containers');
    assert.equal(container.image, '${var.worker_image}');
    assert.equal(dynamicBlock(container, 'env').forEach, '${local.worker_env}');
    const secretEnv = (container.env as Block[]).map((e) => e.name);
    assert.deepEqual(secretEnv, ['OPENAI_API_KEY'], 'the model key comes from Secret Manager');
    const env = tf.locals.worker_env as string;
    assert.match(env, /merge\(local\.processor_env/);
    for (const name of ['LONG_JOBS_TOPIC', 'LONG_JOBS_SUBSCRIPTION', 'WORKER_CONCURRENCY', 'WORKER_GRACE_MS']) assert.ok(env.includes(name), `worker env sets ${name}`);
  });

  it('gives the worker identity only what it uses', () => {
    const member = '${google_service_account.worker.member}';
    assert.equal(resource(tf, 'google_project_iam_member', 'worker_firestore').role, 'roles/datastore.user');
    const consumes = resource(tf, 'google_pubsub_subscription_iam_member', 'worker_consumes');
    assert.deepEqual([consumes.subscription, consumes.role, consumes.member], ['${google_pubsub_subscription.long_lane_worker.id}', 'roles/pubsub.subscriber', member]);
    const results = resource(tf, 'google_pubsub_topic_iam_member', 'worker_publishes_results');
    assert.deepEqual([results.topic, results.role], ['${google_pubsub_topic.all[local.topics.results].id}', 'roles/pubsub.publisher']);
    const buckets = resource(tf, 'google_storage_bucket_iam_member', 'worker');
    // As the processors: outputs and results rewritten, workspace inputs read; never objectAdmin.
    assert.deepEqual(buckets.for_each, { outputs: 'roles/storage.objectUser', results: 'roles/storage.objectUser', uploads: 'roles/storage.objectViewer' });
    assert.equal(buckets.role, '${each.value}');
    const workerGrants = Object.entries(tf.resources).flatMap(([type, byName]) => Object.entries(byName).filter(([, b]) => b.member === member).map(([n]) => `${type}.${n}`));
    assert.deepEqual(workerGrants.sort(), [
      'google_project_iam_member.worker_firestore',
      'google_pubsub_subscription_iam_member.worker_consumes',
      'google_pubsub_topic_iam_member.worker_publishes_results',
      'google_secret_manager_secret_iam_member.worker_openai_api_key',
      'google_storage_bucket_iam_member.worker',
    ]);
  });

  it('builds the image from the Dockerfile that runs dist/functions/worker.js, and the k8s manifests use the same subscription', () => {
    const dockerfile = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
    assert.match(dockerfile, /^FROM node:22/m);
    assert.match(dockerfile, /npm ci --omit=dev/);
    assert.match(dockerfile, /npm run build/);
    assert.match(dockerfile, new RegExp(`CMD \\["node", "dist/${WORKER.source.replace('.', '\\.')}"\\]`));
    assert.ok(existsSync(path.join(repoRoot, 'functions', 'worker.ts')), 'functions/worker.ts is the entry');
    const scaled = readFileSync(path.join(repoRoot, 'deploy/k8s/scaledobject.yaml'), 'utf8');
    assert.match(scaled, /type: gcp-pubsub/);
    assert.match(scaled, new RegExp(`subscriptionName: ${local.subscription}\\b`));
    assert.match(scaled, /provider: gcp/, 'TriggerAuthentication with podIdentity gcp (Workload Identity)');
    const deployment = readFileSync(path.join(repoRoot, 'deploy/k8s/deployment.yaml'), 'utf8');
    assert.match(deployment, new RegExp(`name: LONG_JOBS_SUBSCRIPTION\\s+value: ${local.subscription}\\b`));
    assert.match(deployment, /iam\.gke\.io\/gcp-service-account/);
  });
});
