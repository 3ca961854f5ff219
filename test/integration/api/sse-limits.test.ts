// SSE streams cannot take an instance from other keys: one key holds at most
// SSE_MAX_STREAMS_PER_OWNER streams (429 with the envelope past it) while other keys still get
// answers; a stream ends after SSE_MAX_STREAM_MS and the client resumes by Last-Event-ID; a slow
// reader gets its events only as fast as it drains them.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { after, before, test } from 'node:test';
import { streamJobEvents, type EventSink } from '../../../shared/api/event-stream.js';
import type { JobDocument } from '../../../shared/jobs/job-document.js';
import { startApi, KEYS, type ApiServer } from './support/api-server.js';
import { claimJob, jobEvents } from './support/job-fixtures.js';

let api: ApiServer;
before(async () => {
  api = await startApi({ env: { SSE_MAX_STREAMS_PER_OWNER: '5' } });
});
after(() => api.close());

async function runningJob(key: string = KEYS.alice): Promise<JobDocument> {
  const res = await api.call<{ job_id: string }>('POST', '/jobs', { key, body: { prompt: 'stream me' } });
  return claimJob(api.store, (await api.store.get(res.body.job_id))!);
}

test('30 streams from one key: 5 open, 25 get 429 with the envelope; other keys still get answers', async () => {
  const job = await runningJob();
  const controllers = Array.from({ length: 30 }, () => new AbortController());
  try {
    const responses = await Promise.all(controllers.map((c) => fetch(`${api.url}/jobs/${job.job_id}/events`, { headers: { 'x-api-key': KEYS.alice }, signal: c.signal })));
    const statuses = responses.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 200).length, 5, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 429).length, 25);
    const refused = responses.find((r) => r.status === 429)!;
    const body = (await refused.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'rate_limited');
    assert.match(body.error.message, /SSE_MAX_STREAMS_PER_OWNER/);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    // Meanwhile another key is answered, and may open its own streams.
    assert.equal((await api.call('GET', '/jobs', { key: KEYS.bob })).status, 200);
    const bobJob = await runningJob(KEYS.bob);
    const bobStream = new AbortController();
    const bob = await fetch(`${api.url}/jobs/${bobJob.job_id}/events`, { headers: { 'x-api-key': KEYS.bob }, signal: bobStream.signal });
    assert.equal(bob.status, 200);
    bobStream.abort();
    await bob.body?.cancel().catch(() => undefined);
  } finally {
    for (const c of controllers) c.abort();
  }
});

test('closing a stream frees its slot', async () => {
  const job = await runningJob();
  // The 5 aborted streams of the test before are released when their sockets close; wait for that.
  for (;;) {
    const c = new AbortController();
    const r = await fetch(`${api.url}/jobs/${job.job_id}/events`, { headers: { 'x-api-key': KEYS.alice }, signal: c.signal });
    c.abort();
    await r.body?.cancel().catch(() => undefined);
    if (r.status === 200) break;
    assert.equal(r.status, 429);
    await new Promise((resolve) => setImmediate(resolve));
  }
});

async function readAll(res: Response): Promise<string> {
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) text += decoder.decode(chunk, { stream: true });
  return text;
}

test('a stream ends after its maximum life without `event: end`; Last-Event-ID resumes after it', async (t) => {
  const shortLived = await startApi({ env: { SSE_MAX_STREAM_MS: '1500' } });
  t.after(() => shortLived.close());
  const res = await shortLived.call<{ job_id: string }>('POST', '/jobs', { body: { prompt: 'stream me' } });
  const job = await claimJob(shortLived.store, (await shortLived.store.get(res.body.job_id))!);
  await shortLived.store.appendEvents(job.job_id, jobEvents(0, 3));
  const first = await readAll(await fetch(`${shortLived.url}/jobs/${job.job_id}/events`, { headers: { 'x-api-key': KEYS.alice } }));
  assert.deepEqual([...first.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1])), [0, 1, 2]);
  assert.doesNotMatch(first, /event: end/, 'the job is still running');
  assert.match(first, /reconnect with Last-Event-ID: 2/);
  await shortLived.store.appendEvents(job.job_id, jobEvents(3, 2));
  const resumed = await readAll(await fetch(`${shortLived.url}/jobs/${job.job_id}/events`, { headers: { 'x-api-key': KEYS.alice, 'last-event-id': '2' } }));
  assert.deepEqual([...resumed.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1])), [3, 4]);
});

test('writes wait for drain: a reader that is always full gets one write per drain, all events in order', async () => {
  const job = await runningJob();
  const total = 250; // more than one page of the reader
  await api.store.appendEvents(job.job_id, jobEvents(0, total));
  const emitter = new EventEmitter();
  const writes: string[] = [];
  let drains = 0;
  let overrun = false;
  const sink: EventSink = {
    write: (chunk) => {
      if (!chunk.startsWith(':')) writes.push(chunk);
      if (writes.length > drains + 1) overrun = true;
      return false; // the buffer is always full
    },
    end: () => emitter.emit('close'),
    once: (event, cb) => emitter.once(event, cb),
    removeListener: (event, cb) => emitter.removeListener(event, cb),
  };
  const done = streamJobEvents(sink, { db: api.env.firestore, store: api.store, jobId: job.job_id, afterSeq: -1, heartbeatMs: 60_000, maxLifeMs: 600_000, onError: (err) => assert.fail(err) });
  while (writes.length < total) {
    // Drain only once the reader has written what it may: then exactly one more write follows.
    await new Promise<void>((resolve) => {
      const check = () => (writes.length === drains + 1 ? resolve() : setImmediate(check));
      check();
    });
    drains++;
    emitter.emit('drain');
  }
  assert.equal(overrun, false, 'never more than one write past the last drain');
  assert.deepEqual(writes.map((w) => Number(/^id: (\d+)/.exec(w)![1])), Array.from({ length: total }, (_, i) => i));
  emitter.emit('close');
  await done;
});
