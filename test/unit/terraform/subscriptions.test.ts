// terraform/pubsub.tf builds its subscriptions from terraform/subscriptions.json, the table
// dev/topology.ts reads too: names, retry, retention and dead-letter policies, OIDC push auth.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { deadLetterTopic, subscriptionTable, subscriptions } from '../../../dev/topology.js';
import { parseConfig } from '../../../shared/config.js';
import { dynamicBlock, loadTerraform, nested, resource, table, type TerraformConfig } from './terraform-config.js';

const defaults = parseConfig({ GOOGLE_CLOUD_PROJECT: 'example-project' });

describe('terraform/ subscriptions match the topology', () => {
  let tf: TerraformConfig;
  let functions: Record<string, unknown>;
  before(async () => {
    tf = await loadTerraform();
    functions = table(tf, 'functions');
  });

  it('builds its subscriptions from terraform/subscriptions.json, the table dev/topology.ts reads', () => {
    assert.equal(tf.locals.subscription_table, '${jsondecode(file("${path.module}/subscriptions.json"))}');
    const pushExpr = String(tf.locals.push_subscriptions);
    assert.match(pushExpr, /for key, s in local\.subscription_table\.push : "\$\{local\.topics\[key\]\}-\$\{s\.function\}"/);
    assert.match(pushExpr, /"\$\{local\.dead_letter_topics\[key\]\}-\$\{s\.function\}"[\s\S]*dead_letter_topic\s*=\s*null[\s\S]*policy\s*=\s*"dead_letter"[\s\S]*if s\.dead_letters == "push"/);
    assert.match(String(tf.locals.hold_subscriptions), /"\$\{local\.dead_letter_topics\[key\]\}-hold"[\s\S]*if s\.dead_letters == "hold"/);
    // Every key of the table is a topic of local.topics, named as the config names it.
    const topics = table<string>(tf, 'topics');
    const t = subscriptionTable();
    for (const key of Object.keys(t.push)) {
      assert.ok(key in topics, `subscriptions.json key ${key} is not in local.topics`);
      assert.equal(topics[key], (defaults as unknown as Record<string, string>)[`${key.toUpperCase()}_TOPIC`], `local.topics.${key}`);
    }
    const fed = new Set(Object.values(t.push).map((s) => s.function));
    for (const name of Object.keys(functions)) assert.equal(fed.has(name as never), name !== 'enqueue', `${name}: fed by a push subscription`);

    const subs = subscriptions(defaults);
    const by = new Map(subs.map((s) => [s.subscription, s]));
    assert.equal(by.size, subs.length, 'subscription names are unique');
    for (const name of ['codex-jobs-processor', 'codex-jobs-priority-processor-priority']) {
      const s = by.get(name)!;
      assert.equal(s.ackDeadlineSeconds, 600, `${name}: ack deadline`);
      assert.equal(s.ordered, true, `${name}: ordering`);
      assert.equal(s.maxDeliveryAttempts, 100, `${name}: waiting for capacity is not a failure`);
      assert.deepEqual([s.minimumBackoffSeconds, s.maximumBackoffSeconds], [10, 600], `${name}: backoff`);
    }
    for (const name of ['codex-results-notifier', 'codex-schedules-scheduler', 'codex-storage-events-storage-trigger', 'codex-sweeps-sweeper']) {
      const s = by.get(name)!;
      assert.ok(s, `${name} is missing`);
      assert.equal(s.maxDeliveryAttempts, 5, `${name}: dead-letters after 5 attempts`);
      assert.deepEqual([s.minimumBackoffSeconds, s.maximumBackoffSeconds], [10, 600], `${name}: backoff`);
      assert.equal(s.deadLetterTopic, deadLetterTopic(s.topic));
    }
    // The dead-letter subscriptions cannot loop: none has a dead-letter topic, none pushes into a
    // source topic, and the ones that push (to the processors) keep a message at most a day.
    for (const s of subs.filter((x) => x.topic.endsWith('-dead-letter'))) {
      assert.equal(s.deadLetterTopic, undefined, `${s.subscription}: no dead-letter topic of its own`);
      if (s.pushTo) {
        assert.ok(['processor', 'processor-priority'].includes(s.pushTo), `${s.subscription}: only job dead letters go back to a function`);
        assert.ok(s.messageRetentionSeconds <= 86_400, `${s.subscription}: bounded retention`);
        assert.ok(s.minimumBackoffSeconds >= 10, `${s.subscription}: backoff`);
      }
    }
    assert.deepEqual(subs.filter((s) => s.topic.endsWith('-dead-letter') && s.pushTo).map((s) => s.subscription).sort(), ['codex-jobs-dead-letter-processor', 'codex-jobs-priority-dead-letter-processor-priority']);
    assert.deepEqual(subs.filter((s) => !s.pushTo).map((s) => s.subscription).sort(), ['codex-results-dead-letter-hold', 'codex-schedules-dead-letter-hold', 'codex-storage-events-dead-letter-hold', 'codex-sweeps-dead-letter-hold']);
  });

  it('gives every push subscription OIDC auth and the retry, retention and dead-letter policy of its table row', () => {
    const sub = resource(tf, 'google_pubsub_subscription', 'push');
    assert.equal(sub.for_each, '${local.push_subscriptions}');
    const policy = dynamicBlock(sub, 'dead_letter_policy');
    assert.equal(policy.forEach, '${each.value.dead_letter_topic == null ? [] : [each.value.dead_letter_topic]}');
    assert.equal(policy.content.max_delivery_attempts, '${local.subscription_table.policies[each.value.policy].max_delivery_attempts}');
    const retry = nested(sub, 'retry_policy');
    assert.equal(retry.minimum_backoff, '${local.subscription_table.policies[each.value.policy].minimum_backoff_seconds}s');
    assert.equal(retry.maximum_backoff, '${local.subscription_table.policies[each.value.policy].maximum_backoff_seconds}s');
    assert.equal(sub.message_retention_duration, '${local.subscription_table.policies[each.value.policy].message_retention_seconds}s');
    const pushConfig = nested(sub, 'push_config');
    assert.equal(pushConfig.push_endpoint, '${local.service_uris[each.value.function]}/projects/${var.project_id}/topics/${each.value.topic}');
    assert.equal(nested(pushConfig, 'oidc_token').service_account_email, '${google_service_account.push.email}');
    assert.equal(sub.ack_deadline_seconds, '${each.value.ack_deadline_seconds}');
    assert.equal(sub.enable_message_ordering, '${each.value.ordered}');
    assert.equal(nested(sub, 'expiration_policy').ttl, '', 'subscriptions never expire');

    // The Pub/Sub service agent publishes dead letters and acks the source subscription.
    assert.match(String(tf.locals.dead_lettering_subscriptions), /if s\.dead_letter_topic != null/);
    const publisher = resource(tf, 'google_pubsub_topic_iam_member', 'dead_letter_publisher');
    assert.equal(publisher.for_each, '${local.dead_lettering_subscriptions}');
    assert.equal(publisher.role, 'roles/pubsub.publisher');
    assert.equal(publisher.member, '${local.pubsub_service_agent}');
    const subscriber = resource(tf, 'google_pubsub_subscription_iam_member', 'dead_letter_subscriber');
    assert.equal(subscriber.for_each, '${local.dead_lettering_subscriptions}');
    assert.equal(subscriber.role, 'roles/pubsub.subscriber');
    assert.equal(subscriber.member, '${local.pubsub_service_agent}');
  });
});
