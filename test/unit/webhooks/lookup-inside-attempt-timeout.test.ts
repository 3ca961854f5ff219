// A webhook attempt's address lookup counts inside its WEBHOOK_TIMEOUT_MS: a resolver that never
// answers ends the attempt as a timed-out (retryable) attempt instead of hanging the delivery.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deliverWebhook, type AttemptRecord, type DeliveryPlan } from '../../../shared/webhooks/deliver.js';

const plan = (resolve: DeliveryPlan['resolve']): DeliveryPlan => ({
  url: 'https://slow-dns.example.com/hook',
  webhookId: 'msg_test',
  body: '{}',
  secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
  policy: { allowInsecure: false, allowlist: [] },
  resolve,
  timeoutMs: 150,
  retryDelaysMs: [0],
  attemptsDone: 0,
});

test('a lookup that never answers times out within the attempt, and the attempt is retried', async () => {
  const records: AttemptRecord[] = [];
  const outcome = await deliverWebhook(plan(() => new Promise<string[]>(() => undefined)), {
    beforeAttempt: async () => true,
    afterAttempt: async (r) => {
      records.push(r);
      return true;
    },
  });
  assert.equal(outcome.outcome, 'finished');
  assert.deepEqual(records.map((r) => r.verdict), ['retry', 'exhausted']);
  for (const r of records) assert.match(r.error ?? '', /lookup timed out after 150 ms/);
});
