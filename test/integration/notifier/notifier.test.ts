// The notifier on the emulators: signed delivery verified by the reference library, one logical
// delivery per job under duplicate messages, retries, 410, redirects, the job's callback record,
// and the dead-letter topic when every attempt failed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { freePort } from '../../../dev/free-port.js';
import { parseConfig } from '../../../shared/config.js';
import { createLogger } from '../../../shared/logging.js';
import type { CallbackRecord } from '../../../shared/jobs/job-document.js';
import { notifierDeps } from '../../../shared/webhooks/notifier-http.js';
import { eventually } from '../../support/test-env.js';
import { notifierHarness, type NotifierHarness } from './notifier-harness.js';
import { startReceiver, type ReceivedRequest } from './webhook-receiver.js';

let h: NotifierHarness;
before(async () => {
  h = await notifierHarness();
});
after(async () => {
  await h.close();
});

function verify(request: ReceivedRequest): unknown {
  const headers = request.headers as Record<string, string>;
  // Each secret of the rotation verifies on its own.
  const payloads = h.secrets.map((secret) => new Webhook(secret).verify(request.body, headers));
  assert.deepEqual(payloads[0], payloads[1]);
  return payloads[0];
}

async function callbackOf(jobId: string): Promise<CallbackRecord | null> {
  return (await h.store.get(jobId))?.callback ?? null;
}

async function deadLettered(jobId: string) {
  return eventually(() => h.deadLetters.messages.find((m) => (m.data as { job_id: string }).job_id === jobId), `dead letter of ${jobId}`, 10_000, 20);
}

test('a terminal job with a callback is POSTed once, signed (two secrets), and recorded as delivered', async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const result = await h.terminalJob(`${receiver.url}/hooks/codex?tenant=7`);
  assert.deepEqual(await callbackOf(result.job_id), { state: 'pending', attempts: 0, last_status: null, last_error: null, delivered_at: null });

  assert.deepEqual(await h.push(result), { status: 204, verdict: 'delivered' });
  assert.equal(receiver.requests.length, 1);
  const [request] = receiver.requests;
  assert.equal(request!.path, '/hooks/codex?tenant=7');
  assert.equal(request!.headers['webhook-id'], `msg_${result.job_id}`);
  assert.equal(String(request!.headers['webhook-signature']).split(' ').length, 2);
  assert.deepEqual(verify(request!), {
    job_id: result.job_id,
    status: 'completed',
    exit_code: 0,
    final_message: 'all done',
    stdout: 'out',
    stderr: '',
    execution_time_ms: 42,
    output_files: [],
    usage: { input_tokens: 3, cached_input_tokens: 0, output_tokens: 2, reasoning_output_tokens: 0, total_tokens: 5 },
    completed_at: result.completed_at,
  });
  assert.throws(() => new Webhook(h.secrets[0]!).verify(request!.body.replace('all done', 'all fine'), request!.headers as Record<string, string>), /No matching signature/);

  const callback = await callbackOf(result.job_id);
  assert.equal(callback?.state, 'delivered');
  assert.equal(callback?.attempts, 1);
  assert.equal(callback?.last_status, 200);
  assert.equal(callback?.last_error, null);
  assert.ok(callback?.delivered_at && Date.parse(callback.delivered_at) >= request!.at - 1000);
  assert.equal((await h.deliveries.get(result.job_id))?.lease, null);
});

test('the same message delivered 3 times at once makes one delivery: one webhook-id at the receiver', async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const result = await h.terminalJob(`${receiver.url}/once`);

  const answers = await Promise.all([h.push(result), h.push(result), h.push(result)]);
  const verdicts = answers.map((a) => `${a.status} ${a.verdict}`);
  assert.equal(verdicts.filter((v) => v === '204 delivered').length, 1, `one delivery (got ${verdicts.join(', ')})`);
  // The others came while it was being delivered (503: Pub/Sub comes back later) or after it (acked).
  assert.ok(verdicts.every((v) => ['204 delivered', '503 busy', '204 done'].includes(v)), verdicts.join(', '));
  assert.equal(receiver.requests.length, 1);
  assert.deepEqual(new Set(receiver.requests.map((r) => r.headers['webhook-id'])), new Set([`msg_${result.job_id}`]));

  // Pub/Sub's redeliveries of the duplicates are acked without sending again.
  assert.deepEqual(await Promise.all([h.push(result), h.push(result)]), [
    { status: 204, verdict: 'done' },
    { status: 204, verdict: 'done' },
  ]);
  assert.equal(receiver.requests.length, 1);
  const callback = await callbackOf(result.job_id);
  assert.equal(callback?.state, 'delivered');
  assert.equal(callback?.attempts, 1);
});

test('a duplicate that arrives while the delivery is in progress is answered 503 at once, not after it', async (t) => {
  // The receiver answers only after the duplicate has been answered: the two overlap for certain.
  let release!: () => void;
  const duplicateAnswered = new Promise<void>((resolve) => (release = resolve));
  const receiver = await startReceiver(async () => {
    await duplicateAnswered;
    return { status: 200 };
  });
  t.after(() => receiver.close());
  const result = await h.terminalJob(`${receiver.url}/overlap`);
  const first = h.push(result);
  await receiver.received(1);
  assert.deepEqual(await h.push(result), { status: 503, verdict: 'busy' });
  release();
  assert.deepEqual(await first, { status: 204, verdict: 'delivered' });
  assert.equal(receiver.requests.length, 1);
});

test('500 then success: retried with the same webhook-id and recorded with 2 attempts', async (t) => {
  const receiver = await startReceiver((_r, i) => ({ status: i === 0 ? 500 : 202 }));
  t.after(() => receiver.close());
  const result = await h.terminalJob(`${receiver.url}/flaky`);
  assert.deepEqual(await h.push(result), { status: 204, verdict: 'delivered' });
  assert.equal(receiver.requests.length, 2);
  assert.equal(receiver.requests[0]!.headers['webhook-id'], receiver.requests[1]!.headers['webhook-id']);
  for (const request of receiver.requests) verify(request);
  assert.ok(receiver.requests[1]!.at - receiver.requests[0]!.at >= 45, 'waited the first retry delay');
  const callback = await callbackOf(result.job_id);
  assert.deepEqual({ ...callback, delivered_at: null }, { state: 'delivered', attempts: 2, last_status: 202, last_error: null, delivered_at: null });
});

test('a receiver that does not answer within WEBHOOK_TIMEOUT_MS is retried', async (t) => {
  const receiver = await startReceiver((_r, i) => (i === 0 ? 'hang' : { status: 200 }));
  t.after(() => receiver.close());
  const result = await h.terminalJob(`${receiver.url}/slow`);
  const started = Date.now();
  assert.deepEqual(await h.push(result), { status: 204, verdict: 'delivered' });
  assert.ok(Date.now() - started >= h.env.config.WEBHOOK_TIMEOUT_MS, 'the first attempt waited for the timeout');
  assert.equal(receiver.requests.length, 2);
  assert.equal((await callbackOf(result.job_id))?.attempts, 2);
});

test('connection refused on every attempt: callback failed and the payload on codex-results-dead-letter', async () => {
  const port = await freePort();
  const result = await h.terminalJob(`http://127.0.0.1:${port}/nobody`);
  assert.deepEqual(await h.push(result), { status: 204, verdict: 'failed' });
  const callback = await callbackOf(result.job_id);
  assert.equal(callback?.state, 'failed');
  assert.equal(callback?.attempts, 3);
  assert.equal(callback?.last_status, null);
  assert.match(callback?.last_error ?? '', /ECONNREFUSED/);
  assert.equal(callback?.delivered_at, null);
  const letter = await deadLettered(result.job_id);
  assert.deepEqual(letter.data, JSON.parse(JSON.stringify(result)), 'the codex-results payload as it came');
  assert.equal(letter.attributes.reason, 'webhook_failed');
  assert.equal(letter.attributes.webhook_attempts, '3');
  // A redelivery afterwards changes nothing and publishes nothing more.
  assert.deepEqual(await h.push(result), { status: 204, verdict: 'done' });
  assert.equal(h.deadLetters.messages.filter((m) => (m.data as { job_id: string }).job_id === result.job_id).length, 1);
});

test('500 on every attempt is exhausted after 1 + WEBHOOK_RETRY_DELAYS attempts', async (t) => {
  const receiver = await startReceiver(() => ({ status: 500 }));
  t.after(() => receiver.close());
  const result = await h.terminalJob(`${receiver.url}/down`);
  assert.deepEqual(await h.push(result), { status: 204, verdict: 'failed' });
  assert.equal(receiver.requests.length, 3);
  assert.deepEqual(await callbackOf(result.job_id), { state: 'failed', attempts: 3, last_status: 500, last_error: 'HTTP 500', delivered_at: null });
  await deadLettered(result.job_id);
});

test('410 Gone stops at once: one request, failed, dead-lettered', async (t) => {
  const receiver = await startReceiver(() => ({ status: 410 }));
  t.after(() => receiver.close());
  const result = await h.terminalJob(`${receiver.url}/gone`);
  assert.deepEqual(await h.push(result), { status: 204, verdict: 'failed' });
  assert.equal(receiver.requests.length, 1);
  assert.deepEqual(await callbackOf(result.job_id), { state: 'failed', attempts: 1, last_status: 410, last_error: 'HTTP 410', delivered_at: null });
  assert.equal((await deadLettered(result.job_id)).attributes.webhook_last_status, '410');
});

test('a redirect is not followed: the target never sees the payload', async (t) => {
  const target = await startReceiver();
  const redirector = await startReceiver(() => ({ status: 307, headers: { location: `${target.url}/elsewhere` } }));
  t.after(() => Promise.all([target.close(), redirector.close()]));
  const result = await h.terminalJob(`${redirector.url}/moved`);
  assert.deepEqual(await h.push(result), { status: 204, verdict: 'failed' });
  assert.equal(target.requests.length, 0);
  assert.equal(redirector.requests.length, 3);
  const callback = await callbackOf(result.job_id);
  assert.equal(callback?.last_status, 307);
  assert.match(callback?.last_error ?? '', /redirects are not followed/);
});

test('the address rules are applied again at delivery: a private URL that got queued is never contacted', async () => {
  const result = await h.terminalJob('http://10.255.255.1:9/internal');
  assert.deepEqual(await h.push(result), { status: 204, verdict: 'failed' });
  const callback = await callbackOf(result.job_id);
  assert.equal(callback?.attempts, 1, 'a refused URL is not retried');
  assert.match(callback?.last_error ?? '', /10\.255\.255\.1 is a private \(RFC 1918\) address/);
  await deadLettered(result.job_id);
});

test('a takeover after a crashed holder continues the schedule, and a crash after the attempts still dead-letters', async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  // A holder made 2 attempts, then died: its lease has expired.
  const resumed = await h.terminalJob(`${receiver.url}/resumed`);
  const expired = new Date(Date.now() - 1000).toISOString();
  const claim = await h.deliveries.claim(resumed.job_id, `msg_${resumed.job_id}`, 'dead-holder', 60_000);
  assert.equal(claim.outcome, 'claimed');
  await h.deliveries.ref(resumed.job_id).update({ attempts: 2, last_status: 500, last_error: 'HTTP 500', last_attempt_at: expired, lease: { holder: 'dead-holder', expires_at: expired } });
  assert.deepEqual(await h.push(resumed), { status: 204, verdict: 'delivered' });
  assert.equal(receiver.requests.length, 1);
  assert.equal((await callbackOf(resumed.job_id))?.attempts, 3);

  // A holder made every attempt, then died before the dead-letter publish.
  const stranded = await h.terminalJob(`${receiver.url}/stranded`);
  await h.deliveries.claim(stranded.job_id, `msg_${stranded.job_id}`, 'dead-holder', 60_000);
  await h.deliveries.ref(stranded.job_id).update({ state: 'failing', attempts: 3, last_status: 500, last_error: 'HTTP 500', lease: { holder: 'dead-holder', expires_at: expired } });
  assert.deepEqual(await h.push(stranded), { status: 204, verdict: 'failed' });
  assert.equal(receiver.requests.length, 1, 'no further attempt');
  assert.deepEqual(await callbackOf(stranded.job_id), { state: 'failed', attempts: 3, last_status: 500, last_error: 'HTTP 500', delivered_at: null });
  await deadLettered(stranded.job_id);
});

test('jobs without a callback and messages that are not results are acked without a request', async () => {
  const result = await h.terminalJob(null);
  assert.deepEqual(await h.push(result), { status: 204, verdict: 'no_callback' });
  assert.equal(await h.deliveries.get(result.job_id), null);
  assert.deepEqual(await h.push('{"job_id": 42}'), { status: 204, verdict: 'invalid' });
  assert.deepEqual(await h.push('not json'), { status: 204, verdict: 'invalid' });
});

test('the notifier refuses to start without WEBHOOK_SECRET', () => {
  assert.throws(() => notifierDeps(parseConfig({ GOOGLE_CLOUD_PROJECT: h.env.project })), /WEBHOOK_SECRET is required by the notifier/);
});

test('logs carry the job and the receiver origin, never the secret, a signature or the URL path and query', async (t) => {
  const lines: string[] = [];
  const original = h.deps.log;
  h.deps.log = createLogger('DEBUG', { component: 'notifier' }, (line) => lines.push(line));
  t.after(() => {
    h.deps.log = original;
  });
  const receiver = await startReceiver((_r, i) => ({ status: i === 0 ? 500 : 200 }));
  t.after(() => receiver.close());
  const result = await h.terminalJob(`${receiver.url}/hook/s3cr3t-path-token?key=s3cr3t-query-token`);
  assert.deepEqual(await h.push(result), { status: 204, verdict: 'delivered' });
  const text = lines.join('\n');
  assert.ok(lines.some((l) => JSON.parse(l).message === 'webhook delivered' && JSON.parse(l).job_id === result.job_id));
  assert.ok(text.includes(receiver.url), 'the origin is logged');
  for (const secret of h.secrets) {
    assert.equal(text.includes(secret), false);
    assert.equal(text.includes(secret.slice('whsec_'.length)), false);
  }
  for (const request of receiver.requests) assert.equal(text.includes(String(request.headers['webhook-signature']).split(' ')[0]!.slice(3)), false);
  assert.equal(text.includes('s3cr3t'), false);
});
