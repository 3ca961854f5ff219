// The delivery schedule against real local receivers (no emulators needed): the connection goes to
// the checked address, statuses end or continue the schedule, and the URL is re-checked per attempt.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { freePort } from '../../../dev/free-port.js';
import type { AddressPolicy } from '../../../shared/webhooks/address-policy.js';
import { deliverWebhook, type AttemptRecord, type DeliveryPlan } from '../../../shared/webhooks/deliver.js';
import { startReceiver } from './webhook-receiver.js';

const secret = 'whsec_' + randomBytes(24).toString('base64');
const policy: AddressPolicy = { allowInsecure: true, allowlist: ['127.0.0.1'] };
const body = JSON.stringify({ job_id: 'j1', status: 'completed' });

function plan(url: string, extra: Partial<DeliveryPlan> = {}): DeliveryPlan {
  return { url, webhookId: 'msg_j1', body, secrets: [secret], policy, timeoutMs: 10_000, retryDelaysMs: [50, 100], attemptsDone: 0, ...extra };
}

async function run(p: DeliveryPlan): Promise<AttemptRecord[]> {
  const attempts: AttemptRecord[] = [];
  const outcome = await deliverWebhook(p, {
    beforeAttempt: async () => true,
    afterAttempt: async (record) => {
      attempts.push(record);
      return true;
    },
  });
  assert.equal(outcome.outcome, 'finished');
  return attempts;
}

test('the socket goes to the checked address while Host keeps the name (a name the system DNS does not know)', async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const resolve = async (host: string) => (host === 'hooks.receiver.invalid' ? ['127.0.0.1'] : []);
  const attempts = await run(plan(`http://hooks.receiver.invalid:${receiver.port}/cb?token=abc`, { resolve }));
  assert.deepEqual(attempts.map((a) => [a.attempt, a.status, a.verdict]), [[1, 200, 'delivered']]);
  const [request] = receiver.requests;
  assert.equal(request?.headers.host, `hooks.receiver.invalid:${receiver.port}`);
  assert.equal(request?.path, '/cb?token=abc');
  assert.equal(request?.method, 'POST');
  assert.equal(request?.headers['content-type'], 'application/json');
  assert.deepEqual(new Webhook(secret).verify(request!.body, request!.headers as Record<string, string>), JSON.parse(body));
});

test('DNS rebinding: a name that resolves to a private address at a later attempt is refused then', async (t) => {
  const receiver = await startReceiver(() => ({ status: 503 }));
  t.after(() => receiver.close());
  let lookups = 0;
  // First answer: the allow-listed receiver; afterwards the metadata server.
  const resolve = async () => (++lookups === 1 ? ['127.0.0.1'] : ['169.254.169.254']);
  const attempts = await run(plan(`http://rebind.receiver.invalid:${receiver.port}/`, { resolve }));
  assert.equal(receiver.requests.length, 1);
  assert.deepEqual(attempts.map((a) => a.verdict), ['retry', 'refused']);
  assert.match(attempts[1]!.error!, /resolves to 169\.254\.169\.254, a link-local address/);
});

test('3xx is a failure: the redirect target is never contacted and the attempt is retried', async (t) => {
  const target = await startReceiver();
  const redirector = await startReceiver(() => ({ status: 302, headers: { location: `${target.url}/stolen` } }));
  t.after(() => Promise.all([target.close(), redirector.close()]));
  const attempts = await run(plan(`${redirector.url}/hook`));
  assert.deepEqual(attempts.map((a) => [a.status, a.verdict]), [[302, 'retry'], [302, 'retry'], [302, 'exhausted']]);
  assert.match(attempts[2]!.error!, /HTTP 302 \(redirects are not followed\)/);
  assert.equal(target.requests.length, 0);
});

test('retries wait WEBHOOK_RETRY_DELAYS between attempts; a takeover continues from the attempts already made', async (t) => {
  const receiver = await startReceiver(() => ({ status: 500 }));
  t.after(() => receiver.close());
  const attempts = await run(plan(`${receiver.url}/`));
  assert.deepEqual(attempts.map((a) => [a.attempt, a.status, a.verdict]), [[1, 500, 'retry'], [2, 500, 'retry'], [3, 500, 'exhausted']]);
  const [a, b, c] = receiver.requests.map((r) => r.at);
  assert.ok(b! - a! >= 45, `first wait ${b! - a!} ms ≥ 50 ms`);
  assert.ok(c! - b! >= 95, `second wait ${c! - b!} ms ≥ 100 ms`);
  assert.equal(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size, 1, 'one webhook-id on every attempt');

  const resumed = await run(plan(`${receiver.url}/`, { attemptsDone: 2, lastAttemptAt: new Date(Date.now() - 1000).toISOString() }));
  assert.deepEqual(resumed.map((r) => r.attempt), [3]);
  assert.equal(receiver.requests.length, 4);
});

test('a refused connection and a timeout are retried; 410 stops at once', async (t) => {
  const closedPort = await freePort();
  const refused = await run(plan(`http://127.0.0.1:${closedPort}/`));
  assert.deepEqual(refused.map((a) => a.verdict), ['retry', 'retry', 'exhausted']);
  assert.match(refused[0]!.error!, /ECONNREFUSED/);

  const hanging = await startReceiver((_r, i) => (i === 0 ? 'hang' : { status: 204 }));
  const gone = await startReceiver(() => ({ status: 410 }));
  t.after(() => Promise.all([hanging.close(), gone.close()]));
  const slow = await run(plan(`${hanging.url}/`, { timeoutMs: 300 }));
  assert.deepEqual(slow.map((a) => [a.status, a.error, a.verdict]), [[null, 'timed out after 300 ms', 'retry'], [204, null, 'delivered']]);

  const stopped = await run(plan(`${gone.url}/`));
  assert.deepEqual(stopped.map((a) => [a.status, a.verdict]), [[410, 'gone']]);
  assert.equal(gone.requests.length, 1);
});
