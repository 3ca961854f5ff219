// The SDK against the local stack through a fault-injecting proxy: retries (429/5xx/lost answers)
// that honour Retry-After and reuse one Idempotency-Key, so a lost answer never makes a second job;
// a stream cut mid-way resumes with Last-Event-ID without repeats or gaps; list walks every page;
// wait() reads the stream instead of polling; timeouts and aborts are typed errors.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
// The package's own export, resolved by self-reference as a user's import would be.
import { CodexJobs, CodexJobsError, type JobEvent } from 'codex-jobs/client';
import type { Stack } from '../../../dev/stack.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { startClientStack } from './client-stack.js';

let stack: Stack;
let proxy: FaultProxy;
let sdk: CodexJobs;

before(async () => {
  stack = await startClientStack();
  proxy = await startFaultProxy(stack.apiUrl);
  sdk = new CodexJobs({ url: proxy.url, apiKey: stack.devApiKey, maxRetries: 3 });
});
after(async () => {
  await proxy?.close();
  await stack?.stop();
});

const jobPosts = () => proxy.seen.filter((r) => r.method === 'POST' && r.url.startsWith('/jobs'));

test('503 then 429 with Retry-After are retried with the same Idempotency-Key, waiting as told', async () => {
  proxy.seen.length = 0;
  let posts = 0;
  proxy.plan = (r) => {
    if (r.method !== 'POST') return { kind: 'forward' };
    posts++;
    if (posts === 1) return { kind: 'answer', status: 503, headers: { 'retry-after': '0' }, body: '{"error":{"code":"unavailable","message":"try again"}}' };
    if (posts === 2) return { kind: 'answer', status: 429, headers: { 'retry-after': '1' }, body: '{"error":{"code":"rate_limited","message":"slow down"}}' };
    return { kind: 'forward' };
  };
  const queued = await sdk.jobs.create({ prompt: 'retried [[final:ok]]' });
  assert.equal(queued.status, 'queued');
  const seen = jobPosts();
  assert.equal(seen.length, 3);
  const keys = new Set(seen.map((r) => r.headers['idempotency-key']));
  assert.equal(keys.size, 1, 'one key for every attempt');
  assert.ok([...keys][0]);
  assert.ok(seen[2]!.at - seen[1]!.at >= 900, 'the retry after a 429 waited for its Retry-After (1 s)');
  proxy.plan = () => ({ kind: 'forward' });
});

test('an answer lost after the API made the job: the retry with the same key returns that job, not a second one', async () => {
  proxy.seen.length = 0;
  let posts = 0;
  proxy.plan = (r) => (r.method === 'POST' && ++posts === 1 ? { kind: 'lose-answer' } : { kind: 'forward' });
  const prompt = `lost answer ${Date.now()} [[final:once]]`;
  const queued = await sdk.jobs.create({ prompt });
  proxy.plan = () => ({ kind: 'forward' });
  assert.equal(jobPosts().length, 2, 'the call was retried');
  const mine = [];
  for await (const job of sdk.jobs.list({ limit: 100 })) if (job.prompt_preview === prompt) mine.push(job.job_id);
  assert.deepEqual(mine, [queued.job_id], 'exactly one job');

  // A key given by the caller is used as it is; the same key with another body is a typed 409.
  const key = `caller-key-${Date.now()}`;
  const a = await sdk.jobs.create({ prompt: 'keyed [[final:k]]' }, { idempotencyKey: key });
  const b = await sdk.jobs.create({ prompt: 'keyed [[final:k]]' }, { idempotencyKey: key });
  assert.equal(a.job_id, b.job_id);
  await assert.rejects(sdk.jobs.create({ prompt: 'other body' }, { idempotencyKey: key }), (err: unknown) => {
    assert.ok(err instanceof CodexJobsError);
    assert.equal(err.code, 'conflict');
    assert.equal(err.status, 409);
    assert.ok(err.requestId?.startsWith('req_'));
    return true;
  });
});

test('a stream cut mid-way resumes with Last-Event-ID: every event once, in order, none skipped', async () => {
  const queued = await sdk.jobs.create({ prompt: 'stream me [[cmd:echo 1]] [[cmd:echo 2]] [[cmd:echo 3]] [[final:streamed]]' });
  proxy.seen.length = 0;
  let streams = 0;
  proxy.plan = (r) => (r.url.includes('/events') && ++streams <= 2 ? { kind: 'cut-stream', afterEvents: 2 } : { kind: 'forward' });
  const reconnects: number[] = [];
  const got: JobEvent[] = [];
  for await (const event of sdk.jobs.stream(queued.job_id, { onReconnect: (after) => reconnects.push(after) })) got.push(event);
  proxy.plan = () => ({ kind: 'forward' });

  const eventRequests = proxy.seen.filter((r) => r.url.includes('/events'));
  assert.ok(eventRequests.length >= 3, `reconnected after each cut (${eventRequests.length} connections)`);
  assert.equal(eventRequests[0]!.headers['last-event-id'], undefined);
  assert.ok(reconnects[0]! >= 1, 'the first connection delivered events before it was cut');
  assert.equal(eventRequests[1]!.headers['last-event-id'], String(reconnects[0]));
  // The whole list, read again without faults: the resumed stream yielded exactly it.
  const all: JobEvent[] = [];
  for await (const event of new CodexJobs({ url: stack.apiUrl, apiKey: stack.devApiKey }).jobs.stream(queued.job_id)) all.push(event);
  assert.deepEqual(got.map((e) => e.seq), all.map((e) => e.seq));
  assert.deepEqual(got.map((e) => e.seq), got.map((_, i) => i), 'seq 0, 1, 2… without gaps');
  assert.equal(got.filter((e) => e.type === 'command').length, 3);
});

test('wait() is built on the stream (no polling) and list iterates over every page', async () => {
  const queued = await sdk.jobs.create({ prompt: 'wait for me [[cmd:echo w]] [[final:waited]]' });
  proxy.seen.length = 0;
  const done = await sdk.jobs.wait(queued.job_id);
  assert.equal(done.status, 'completed');
  assert.equal(done.result?.final_message, 'waited');
  const gets = proxy.seen.filter((r) => r.url === `/jobs/${queued.job_id}`);
  assert.ok(gets.length <= 2, `no polling: ${gets.length} GETs of the job`);
  assert.ok(proxy.seen.some((r) => r.url === `/jobs/${queued.job_id}/events`));

  proxy.seen.length = 0;
  const ids: string[] = [];
  for await (const job of sdk.jobs.list({ limit: 1 })) ids.push(job.job_id);
  assert.ok(ids.length >= 4, `${ids.length} jobs`);
  assert.equal(new Set(ids).size, ids.length);
  const pageRequests = proxy.seen.filter((r) => r.url.startsWith('/jobs?')).length;
  assert.ok(pageRequests >= ids.length && pageRequests <= ids.length + 1, `one page per job (${pageRequests} pages)`);
  const pages = [];
  for await (const page of sdk.jobs.list({ limit: 2 }).pages()) pages.push(page);
  assert.ok(pages.length >= 2);
});

test('timeouts, aborts, network failures and HTTP errors are CodexJobsError with code and status', async () => {
  proxy.plan = () => ({ kind: 'hold' });
  const impatient = new CodexJobs({ url: proxy.url, apiKey: stack.devApiKey, maxRetries: 0, timeoutMs: 300 });
  await assert.rejects(impatient.jobs.get('x'), (err: unknown) => err instanceof CodexJobsError && err.code === 'timeout' && err.status === null);
  const controller = new AbortController();
  const pending = sdk.jobs.get('x', { signal: controller.signal });
  controller.abort();
  await assert.rejects(pending, (err: unknown) => err instanceof CodexJobsError && err.code === 'aborted');
  proxy.plan = () => ({ kind: 'forward' });

  await assert.rejects(new CodexJobs({ url: 'http://127.0.0.1:1', maxRetries: 0 }).jobs.get('x'), (err: unknown) => err instanceof CodexJobsError && err.code === 'network');
  await assert.rejects(sdk.jobs.get('no-such-job'), (err: unknown) => err instanceof CodexJobsError && err.code === 'not_found' && err.status === 404);
  await assert.rejects(new CodexJobs({ url: stack.apiUrl, apiKey: 'bad' }).jobs.get('x'), (err: unknown) => err instanceof CodexJobsError && err.code === 'unauthorized' && err.status === 401);
  await assert.rejects(sdk.jobs.create({ prompt: '' }), (err: unknown) => {
    assert.ok(err instanceof CodexJobsError);
    assert.equal(err.code, 'bad_request');
    assert.ok(err.details.some((d) => d.field === 'prompt'));
    return true;
  });
});
