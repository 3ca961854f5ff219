// Signatures checked on the receiver's side with the reference `standardwebhooks` library.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { parseConfig } from '../../../shared/config.js';
import { signedHeaders, webhookIdFor } from '../../../shared/webhooks/sign.js';
import { webhookBodyText } from '../../../shared/webhooks/webhook-body.js';
import type { ResultMessage } from '../../../shared/jobs/result-message.js';

const newSecret = () => 'whsec_' + randomBytes(24).toString('base64');

const result: ResultMessage = {
  job_id: '6f1c1f4e-8f7a-4b7e-9a55-2f1c0e7d9b10',
  status: 'completed',
  exit_code: 0,
  final_message: 'done — ünïcødé ✓',
  stdout: 'line 1\nline 2',
  stderr: '',
  execution_time_ms: 1234,
  output_files: ['gs://outputs/jobs/x/outputs/a.txt'],
  created_files: [{ filename: 'a.txt', size_bytes: 3, content_type: 'text/plain', storage_path: 'gs://outputs/jobs/x/outputs/a.txt' }],
  usage: { input_tokens: 10, cached_input_tokens: 0, output_tokens: 5, reasoning_output_tokens: 0, total_tokens: 15 },
  completed_at: '2025-01-01T00:00:00.000Z',
  callback_url: 'https://hooks.example.com/secret-token',
  owner: 'alice',
  metadata: { team: 'x' },
};

test('a delivery signed with one secret verifies with the reference library and yields the body', () => {
  const secret = newSecret();
  const body = webhookBodyText(result);
  const headers = signedHeaders([secret], webhookIdFor(result.job_id), body);
  assert.equal(headers['webhook-id'], `msg_${result.job_id}`);
  assert.match(headers['webhook-timestamp'], /^\d{10}$/);
  assert.match(headers['webhook-signature'], /^v1,[A-Za-z0-9+/]+=*$/);
  const payload = new Webhook(secret).verify(body, { ...headers });
  assert.deepEqual(payload, {
    job_id: result.job_id,
    status: 'completed',
    exit_code: 0,
    final_message: result.final_message,
    stdout: result.stdout,
    stderr: '',
    execution_time_ms: 1234,
    output_files: result.output_files,
    usage: result.usage,
    completed_at: result.completed_at,
  });
});

test('the body carries error when the job failed, and nothing internal (callback_url, owner, metadata)', () => {
  const body = JSON.parse(webhookBodyText({ ...result, status: 'failed', error: { code: 'timeout', message: 'took too long' } })) as Record<string, unknown>;
  assert.deepEqual(body.error, { code: 'timeout', message: 'took too long' });
  for (const field of ['callback_url', 'owner', 'metadata', 'created_files']) assert.equal(field in body, false, field);
});

test('rotation: two secrets give two signatures, and a receiver holding either one verifies', () => {
  const [oldSecret, newOne] = [newSecret(), newSecret()];
  const config = parseConfig({ WEBHOOK_SECRET: `${oldSecret},${newOne}` });
  assert.deepEqual(config.WEBHOOK_SECRET, [oldSecret, newOne]);
  const body = webhookBodyText(result);
  const headers = signedHeaders(config.WEBHOOK_SECRET, webhookIdFor(result.job_id), body);
  const signatures = headers['webhook-signature'].split(' ');
  assert.equal(signatures.length, 2);
  assert.notEqual(signatures[0], signatures[1]);
  assert.ok(new Webhook(oldSecret).verify(body, { ...headers }));
  assert.ok(new Webhook(newOne).verify(body, { ...headers }));
  assert.throws(() => new Webhook(newSecret()).verify(body, { ...headers }), WebhookVerificationError);
});

test('a tampered body, id or timestamp fails verification', () => {
  const secret = newSecret();
  const body = webhookBodyText(result);
  const headers = signedHeaders([secret], webhookIdFor(result.job_id), body);
  const receiver = new Webhook(secret);
  assert.throws(() => receiver.verify(body.replace('"completed"', '"failed"'), { ...headers }), WebhookVerificationError);
  assert.throws(() => receiver.verify(body, { ...headers, 'webhook-id': 'msg_other' }), WebhookVerificationError);
  assert.throws(() => receiver.verify(body, { ...headers, 'webhook-timestamp': String(Number(headers['webhook-timestamp']) - 1) }), WebhookVerificationError);
  // A stale delivery (replay) is refused by the receiver's tolerance window.
  const stale = signedHeaders([secret], webhookIdFor(result.job_id), body, new Date(Date.now() - 10 * 60_000));
  assert.throws(() => receiver.verify(body, { ...stale }), /too old/);
});

test('the id is stable per job while the timestamp is per attempt', () => {
  const secret = newSecret();
  const body = webhookBodyText(result);
  const first = signedHeaders([secret], webhookIdFor(result.job_id), body, new Date('2025-01-01T00:00:00Z'));
  const retry = signedHeaders([secret], webhookIdFor(result.job_id), body, new Date('2025-01-01T00:00:05Z'));
  assert.equal(first['webhook-id'], retry['webhook-id']);
  assert.equal(Number(retry['webhook-timestamp']) - Number(first['webhook-timestamp']), 5);
  assert.notEqual(first['webhook-signature'], retry['webhook-signature']);
  assert.equal(webhookBodyText(result), body, 'the same bytes on every attempt');
});

test('WEBHOOK_SECRET is validated at start and never echoed in the error', () => {
  assert.throws(() => parseConfig({ WEBHOOK_SECRET: 'plain-secret-value' }), (err: Error) => {
    assert.match(err.message, /WEBHOOK_SECRET=\(hidden\): expected whsec_<base64>/);
    assert.doesNotMatch(err.message, /plain-secret-value/);
    return true;
  });
  assert.throws(() => parseConfig({ WEBHOOK_SECRET: 'whsec_c2hvcnQ=' }), /at least 16 bytes/);
});
