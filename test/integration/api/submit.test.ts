// POST /jobs: validation, body limits, the two lanes, callback rules, and ?wait.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { collectTopic, eventually } from '../../support/test-env.js';
import { startApi, KEYS, type ApiServer } from './support/api-server.js';
import { claimJob, completeJob } from './support/job-fixtures.js';
import { assertResponsesMatchDocument } from './support/openapi-conformance.js';
import type { JobDocument } from '../../../shared/jobs/job-document.js';

type Submitted = { job_id: string; status: string; message: string; estimated_completion: string; status_url: string; events_url: string };
type ErrorBody = { error: { code: string; message: string; details?: { field: string; message: string }[] } };

let api: ApiServer;
before(async () => {
  api = await startApi({ resolveHost: async (host) => (host === 'internal.example.com' ? ['10.0.0.7'] : ['93.184.216.34']) });
});
after(() => api.close());

test('202 with the job links; the document is queued and owned by the key name', async () => {
  const res = await api.call<Submitted>('POST', '/jobs', { body: { prompt: 'hello', metadata: { team: 'a' } } });
  assert.equal(res.status, 202);
  assert.equal(res.body.status, 'queued');
  assert.equal(res.body.status_url, `${api.url}/jobs/${res.body.job_id}`);
  assert.equal(res.body.events_url, `${api.url}/jobs/${res.body.job_id}/events`);
  assert.match(res.body.job_id, /^[0-9a-f-]{36}$/);
  const job = await api.store.get(res.body.job_id);
  assert.equal(job?.owner, 'alice');
  assert.equal(job?.status, 'queued');
  assert.equal(Date.parse(res.body.estimated_completion), Date.parse(job!.created_at) + 30_000);
  const alias = await api.call<Submitted>('POST', '/enqueue', { body: { prompt: 'via alias' } });
  assert.equal(alias.status, 202);
});

test('normal and low go to codex-jobs, high and critical to codex-jobs-priority; sessions carry the ordering key', async () => {
  const lanes = await collectTopic(api.env.pubsub, api.env.config.JOBS_TOPIC);
  const priority = await collectTopic(api.env.pubsub, api.env.config.PRIORITY_JOBS_TOPIC);
  try {
    const ids: Record<string, string> = {};
    for (const p of ['low', 'normal', 'high', 'critical'] as const) {
      ids[p] = (await api.call<Submitted>('POST', '/jobs', { body: { prompt: `p ${p}`, priority: p, session_id: `s-${p}` } })).body.job_id;
    }
    await eventually(() => (lanes.messages.length >= 2 && priority.messages.length >= 2 ? true : undefined), 'both lanes');
    const onLane = (msgs: typeof lanes.messages) => msgs.map((m) => m.attributes.priority).sort();
    assert.deepEqual(onLane(lanes.messages), ['low', 'normal']);
    assert.deepEqual(onLane(priority.messages), ['critical', 'high']);
    const high = priority.messages.find((m) => m.attributes.job_id === ids.high)!;
    assert.equal((high.data as { session_id: string }).session_id, 's-high');
    assert.equal(high.orderingKey, 'alice:s-high', 'the ordering key is {owner}:{session_id}');
    assert.equal(high.attributes.source, 'http');
  } finally {
    await Promise.all([lanes.stop(), priority.stop()]);
  }
});

test('400 names every bad field at once; unknown fields are rejected', async () => {
  const res = await api.call<ErrorBody>('POST', '/jobs', { body: { prompt: '  ', timeout_ms: 5, priority: 'urgent', colour: 'red', shape: 'round', metadata: { k: 1 } } });
  assert.equal(res.status, 400);
  assert.equal(res.body.error.code, 'bad_request');
  const fields = res.body.error.details!.map((d) => d.field).sort();
  assert.deepEqual(fields, ['colour', 'metadata.k', 'priority', 'prompt', 'shape', 'timeout_ms']);
  // Above MAX_JOB_TIMEOUT_MS a job goes to the long lane; above MAX_LONG_JOB_TIMEOUT_MS it is refused.
  const big = await api.call<ErrorBody>('POST', '/jobs', { body: { prompt: 'x', timeout_ms: 14_400_001 } });
  assert.equal(big.status, 400);
  assert.equal(big.body.error.details![0]!.field, 'timeout_ms');
});

test('a body over 1 MiB is 413, by Content-Length or by the bytes read', async () => {
  const huge = JSON.stringify({ prompt: 'x'.repeat(1024 * 1024) });
  const res = await api.call<ErrorBody>('POST', '/jobs', { raw: huge, headers: { 'content-type': 'application/json' } });
  assert.equal(res.status, 413);
  assert.equal(res.body.error.code, 'payload_too_large');
  // Chunked (no Content-Length): counted on the bytes read.
  const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(`${api.url}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': KEYS.alice, 'transfer-encoding': 'chunked' } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.write(huge.slice(0, 600_000));
    req.end(huge.slice(600_000));
  });
  assert.equal(chunked.status, 413);
  assert.equal((JSON.parse(chunked.body) as ErrorBody).error.code, 'payload_too_large');
});

test('a non-JSON content type is 415; malformed JSON is 400 with the envelope, not an HTML page', async () => {
  const text = await api.call<ErrorBody>('POST', '/jobs', { raw: '{"prompt":"x"}', headers: { 'content-type': 'text/plain' } });
  assert.equal(text.status, 415);
  assert.equal(text.body.error.code, 'bad_request');
  const none = await api.call<ErrorBody>('POST', '/jobs', { raw: 'prompt=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(none.status, 415);
  for (const raw of ['{"prompt": ', '"just a string"', 'null', '[1,']) {
    const bad = await api.call<ErrorBody>('POST', '/jobs', { raw, headers: { 'content-type': 'application/json' } });
    assert.equal(bad.status, 400, raw);
    assert.match(bad.headers.get('content-type')!, /^application\/json/);
    assert.equal(bad.body.error.code, 'bad_request');
    assert.match(bad.body.error.message, /not valid JSON/);
  }
  const array = await api.call<ErrorBody>('POST', '/jobs', { body: [{ prompt: 'x' }] });
  assert.equal(array.status, 400);
});

test('callback_url is checked against the address rules at enqueue', async () => {
  const cases: Array<[string, RegExp]> = [
    ['http://hooks.example.com/x', /https/],
    ['https://127.0.0.1/x', /loopback/],
    ['https://169.254.169.254/latest', /link-local/],
    ['https://metadata.google.internal/x', /metadata/],
    ['https://internal.example.com/x', /private/],
    ['https://user:pw@hooks.example.com/x', /credentials/],
  ];
  for (const [url, why] of cases) {
    const res = await api.call<ErrorBody>('POST', '/jobs', { body: { prompt: 'x', callback_url: url } });
    assert.equal(res.status, 400, url);
    assert.equal(res.body.error.details?.[0]?.field, 'callback_url', url);
    assert.match(res.body.error.message, why, url);
  }
  const ok = await api.call<Submitted>('POST', '/jobs', { body: { prompt: 'x', callback_url: 'https://hooks.example.com/done' } });
  assert.equal(ok.status, 202);
  assert.equal((await api.store.get(ok.body.job_id))?.callback?.state, 'pending');
});

test('?wait=N answers 200 with the job when it ends in time, else 202; bad values are 400', async () => {
  const early = await api.call<Submitted>('POST', '/jobs?wait=0', { body: { prompt: 'no wait' } });
  assert.equal(early.status, 202);
  for (const wait of ['61', '-1', 'abc', '1.5']) {
    const bad = await api.call<ErrorBody>('POST', `/jobs?wait=${wait}`, { body: { prompt: 'x' } });
    assert.equal(bad.status, 400, wait);
    assert.equal(bad.body.error.details?.[0]?.field, 'query.wait');
  }
  // A processor that finishes the job once it appears: the waiting request sees it end.
  const stop = await finishEveryNewJob(api);
  try {
    const started = Date.now();
    const res = await api.call<JobDocument>('POST', '/jobs?wait=20', { body: { prompt: 'wait for me' } });
    assert.equal(res.status, 200, `the stand-in processor's errors: ${finishErrors.join('; ') || 'none'}`);
    assert.equal(res.body.status, 'completed');
    assert.equal(res.body.result?.final_message, 'done');
    assert.ok(Date.now() - started < 15_000);
  } finally {
    stop();
  }
  const timedOut = await api.call<Submitted>('POST', '/jobs?wait=1', { body: { prompt: 'nobody runs me' } });
  assert.equal(timedOut.status, 202);
  assert.equal(timedOut.body.status, 'queued');
});

/** Claims and completes every job created from now on (listening, not polling). */
async function finishEveryNewJob(server: ApiServer): Promise<() => void> {
  const since = new Date().toISOString();
  return server.env.firestore
    .collection('jobs')
    .where('created_at', '>=', since)
    .onSnapshot((snap) => {
      for (const change of snap.docChanges()) {
        const job = change.doc.data() as JobDocument;
        if (change.type === 'added' && job.status === 'queued' && job.prompt === 'wait for me') void finish(server, job);
      }
    }, (err) => finishErrors.push(`listener: ${err.message}`));
}

/** Errors of the stand-in processor, shown by the test that waits on it. */
const finishErrors: string[] = [];

/** Claims and completes the job; a transaction the loaded emulator aborts is tried again, as a processor's redelivery would. */
async function finish(server: ApiServer, job: JobDocument): Promise<void> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      if ((await server.store.get(job.job_id))?.status === 'queued') await claimJob(server.store, { ...job, expire_at: new Date().toISOString() });
      if ((await server.store.get(job.job_id))?.status === 'processing') await completeJob(server.store, job.job_id);
      return;
    } catch (err) {
      finishErrors.push(`attempt ${attempt}: ${(err as Error).message}`);
    }
  }
}

test('every response in this file matches the OpenAPI document', async () => {
  assert.ok((await assertResponsesMatchDocument()) > 10);
});
