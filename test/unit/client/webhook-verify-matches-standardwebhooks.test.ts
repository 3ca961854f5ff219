// webhooks.verify accepts exactly what the reference Standard Webhooks library signs, and rejects a
// changed body, a wrong secret, an old timestamp and a missing header; rotation (several signatures) works.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { CodexJobs, CodexJobsError } from '../../../client/sdk/index.js';

const secret = 'whsec_' + Buffer.from('client-webhook-secret-0123456789').toString('base64');
const other = 'whsec_' + Buffer.from('another-secret-abcdefghijklmnop').toString('base64');
const sdk = new CodexJobs({ url: 'http://127.0.0.1:1' });

function signed(body: string, key = secret, at = new Date()) {
  const id = 'msg_job-1';
  const signature = new Webhook(key).sign(id, at, body);
  return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signature };
}

const rejects = (fn: () => unknown, why: RegExp) =>
  assert.throws(fn, (err: unknown) => err instanceof CodexJobsError && err.code === 'invalid_signature' && why.test(err.message));

test('a body signed by the standardwebhooks library verifies and is returned parsed', () => {
  const body = JSON.stringify({ job_id: 'job-1', status: 'completed' });
  assert.deepEqual(sdk.webhooks.verify(body, signed(body), secret), { job_id: 'job-1', status: 'completed' });
  assert.deepEqual(sdk.webhooks.verify(Buffer.from(body), new Headers(signed(body)), secret), { job_id: 'job-1', status: 'completed' });
});

test('rotation: any of several space-separated signatures may match', () => {
  const body = '{"job_id":"job-1"}';
  const a = signed(body, other);
  const b = signed(body, secret);
  const headers = { ...b, 'webhook-signature': `${a['webhook-signature']} ${b['webhook-signature']}` };
  assert.deepEqual(sdk.webhooks.verify(body, headers, secret), { job_id: 'job-1' });
});

test('tampering, a wrong secret, an old timestamp or a missing header are rejected', () => {
  const body = '{"job_id":"job-1","status":"completed"}';
  rejects(() => sdk.webhooks.verify(body.replace('completed', 'failed'), signed(body), secret), /no webhook-signature matches/);
  rejects(() => sdk.webhooks.verify(body, signed(body, other), secret), /no webhook-signature matches/);
  rejects(() => sdk.webhooks.verify(body, signed(body, secret, new Date(Date.now() - 10 * 60_000)), secret), /tolerance/);
  const { 'webhook-id': _id, ...noId } = signed(body);
  rejects(() => sdk.webhooks.verify(body, noId, secret), /missing/);
  // And what ours accepts, the reference accepts too.
  const headers = signed(body);
  assert.deepEqual(new Webhook(secret).verify(body, headers), sdk.webhooks.verify(body, headers, secret));
});
