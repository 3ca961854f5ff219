// A transaction whose commit landed but whose reply was lost (a dropped connection) is retried by
// the Firestore client, and the retry finds the delivery already final. The notifier must then
// still record the outcome on the job (it once acked and left `callback.state: pending` for ever,
// seen in a chaos run). A genuine takeover is not acked: the message comes back until the delivery
// is final, so a second holder that dies cannot lose the webhook.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AttemptRecord } from '../../../shared/webhooks/deliver.js';
import { FirestoreDeliveryStore } from '../../../shared/webhooks/delivery-store.js';
import { eventually } from '../../support/test-env.js';
import { notifierHarness, type NotifierHarness } from './notifier-harness.js';
import { startReceiver } from './webhook-receiver.js';

/** Jobs whose final delivery write "loses its reply": committed, then answered as the client's retry would be. */
const lostReply = new Set<string>();
/** Jobs whose delivery another holder takes over just before our next write. */
const takenOver = new Set<string>();

class FaultyDeliveries extends FirestoreDeliveryStore {
  override async recordAttempt(jobId: string, holder: string, attempt: AttemptRecord): Promise<boolean> {
    if (takenOver.has(jobId)) await this.ref(jobId).update({ lease: { holder: 'other-holder', expires_at: new Date(Date.now() + 60_000).toISOString() } });
    const kept = await super.recordAttempt(jobId, holder, attempt);
    return kept && lostReply.has(jobId) && attempt.verdict !== 'retry' ? super.recordAttempt(jobId, holder, attempt) : kept;
  }

  override async markFailed(jobId: string, holder: string): Promise<boolean> {
    const kept = await super.markFailed(jobId, holder);
    return kept && lostReply.has(jobId) ? super.markFailed(jobId, holder) : kept;
  }
}

let h: NotifierHarness;
before(async () => {
  h = await notifierHarness({}, { wrapDeliveries: (plain) => new FaultyDeliveries(plain.db, plain.ttlDays) });
});
after(async () => {
  await h.close();
});

test('a delivered webhook whose final write lost its reply is still recorded delivered on the job, and acked', async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const result = await h.terminalJob(`${receiver.url}/hook`);
  lostReply.add(result.job_id);
  assert.deepEqual(await h.push(result), { status: 204, verdict: 'done' });
  assert.equal(receiver.requests.length, 1);
  const callback = (await h.store.get(result.job_id))?.callback;
  assert.equal(callback?.state, 'delivered');
  assert.equal(callback?.attempts, 1);
});

test('a failed webhook whose last write lost its reply is still recorded failed on the job, and dead-lettered once', async (t) => {
  const receiver = await startReceiver(() => ({ status: 410 }));
  t.after(() => receiver.close());
  const result = await h.terminalJob(`${receiver.url}/gone`);
  lostReply.add(result.job_id);
  assert.deepEqual(await h.push(result), { status: 204, verdict: 'done' });
  assert.equal((await h.store.get(result.job_id))?.callback?.state, 'failed');
  await eventually(() => h.deadLetters.messages.find((m) => (m.data as { job_id: string }).job_id === result.job_id), `dead letter of ${result.job_id}`, 10_000, 20);
});

test('a delivery taken over by another holder is not acked: redelivered, it is answered busy until that holder ends, then done', async (t) => {
  // The first attempt fails (500); the takeover happens as it is recorded; the other holder then delivers.
  const receiver = await startReceiver((_r, index) => ({ status: index === 0 ? 500 : 200 }));
  t.after(() => receiver.close());
  const result = await h.terminalJob(`${receiver.url}/taken`);
  takenOver.add(result.job_id);
  const first = await h.push(result);
  assert.equal(first.status, 503);
  assert.equal(first.verdict, 'lost_claim');
  assert.deepEqual(await h.push(result), { status: 503, verdict: 'busy' });

  // The other holder delivers; the redelivered message then mirrors it on the job.
  await h.deliveries.ref(result.job_id).update({ state: 'delivered', attempts: 2, last_status: 200, last_error: null, delivered_at: new Date().toISOString(), lease: null });
  assert.deepEqual(await h.push(result), { status: 204, verdict: 'done' });
  assert.equal((await h.store.get(result.job_id))?.callback?.state, 'delivered');
});
