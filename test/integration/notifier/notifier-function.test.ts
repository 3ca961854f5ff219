// The deployed wiring: functions/notifier/index.ts under the Functions Framework, fed by a real push
// subscription on codex-results in the Pub/Sub emulator, as the local stack and GCP wire it.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { Subscription } from '@google-cloud/pubsub';
import { Webhook } from 'standardwebhooks';
import { PubSubJobQueue } from '../../../shared/queue/pubsub-job-queue.js';
import { eventually } from '../../support/test-env.js';
import { notifierHarness, type NotifierHarness } from './notifier-harness.js';
import { startReceiver } from './webhook-receiver.js';

let h: NotifierHarness;
let server: ReturnType<typeof getTestServer>;
let subscription: Subscription;
let queue: PubSubJobQueue;

before(async () => {
  h = await notifierHarness();
  // The function module reads its configuration from the environment, as in a deployment.
  Object.assign(process.env, h.env.env);
  await import('../../../functions/notifier/index.js');
  server = getTestServer('notifier');
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const topic = h.env.config.RESULTS_TOPIC;
  const [exists] = await h.env.pubsub.topic(topic).exists();
  if (!exists) await h.env.pubsub.createTopic(topic);
  [subscription] = await h.env.pubsub.topic(topic).createSubscription(`${topic}-notifier`, {
    pushConfig: { pushEndpoint: `http://127.0.0.1:${port}/projects/${h.env.project}/topics/${topic}` },
    ackDeadlineSeconds: 60,
    retryPolicy: { minimumBackoff: { seconds: 1 }, maximumBackoff: { seconds: 2 } },
  });
  queue = new PubSubJobQueue(h.env.pubsub, h.env.config);
});

after(async () => {
  await subscription?.delete().catch(() => undefined);
  await queue?.close();
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  await h.close();
});

test('a result published on codex-results reaches the receiver through the push subscription, signed', async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const result = await h.terminalJob(`${receiver.url}/via-pubsub`);
  await queue.publishResult(result);
  const [request] = await receiver.received(1);
  const payload = new Webhook(h.secrets[1]!).verify(request!.body, request!.headers as Record<string, string>) as { job_id: string; status: string };
  assert.equal(payload.job_id, result.job_id);
  assert.equal(payload.status, 'completed');
  const callback = await eventually(async () => {
    const job = await h.store.get(result.job_id);
    return job?.callback?.state === 'delivered' ? job.callback : undefined;
  }, 'callback delivered');
  assert.equal(callback.attempts, 1);
  assert.equal(receiver.requests.length, 1);
});
