// GET /jobs/{id}/events with a real SSE client (eventsource): stored events, then live ones as the
// processor writes them, each with `id: <seq>`; resume by Last-Event-ID or ?after=; heartbeats;
// `event: end` once the job is terminal, and the stream closes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EventSource } from 'eventsource';
import type { JobDocument, JobEvent } from '../../../shared/jobs/job-document.js';
import { startApi, KEYS, type ApiServer } from './support/api-server.js';
import { claimJob, completeJob, jobEvents } from './support/job-fixtures.js';
import { assertResponsesMatchDocument } from './support/openapi-conformance.js';

let api: ApiServer;
before(async () => {
  api = await startApi({ tuning: { sseHeartbeatMs: 200 } });
});
after(() => api.close());

async function runningJob(): Promise<JobDocument> {
  const res = await api.call<{ job_id: string }>('POST', '/jobs', { body: { prompt: 'stream me' } });
  return claimJob(api.store, (await api.store.get(res.body.job_id))!);
}

interface Received {
  events: Array<{ id: string; event: JobEvent }>;
  end: Promise<{ status: string; last_seq: number }>;
  /** Resolves once `count` events have arrived. */
  received(count: number): Promise<void>;
  close(): void;
}

function subscribe(path: string, headers: Record<string, string> = {}): Received {
  const events: Received['events'] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const source = new EventSource(api.url + path, {
    fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), 'x-api-key': KEYS.alice, ...headers } }),
  });
  source.onmessage = (m) => {
    events.push({ id: m.lastEventId, event: JSON.parse(m.data) as JobEvent });
    for (const w of waiters.filter((w) => events.length >= w.count)) w.resolve();
  };
  const end = new Promise<{ status: string; last_seq: number }>((resolve, reject) => {
    source.addEventListener('end', (m) => {
      source.close(); // the server closed the stream; do not reconnect
      resolve(JSON.parse(m.data) as { status: string; last_seq: number });
    });
    source.onerror = (e) => {
      if (source.readyState === EventSource.CLOSED) reject(new Error(`stream failed: ${e.message ?? e.code}`));
    };
  });
  return {
    events,
    end,
    received: (count) => (events.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }))),
    close: () => source.close(),
  };
}

test('stored events, then live ones in order with their seq as id, then end when the job completes', async () => {
  const job = await runningJob();
  await api.store.appendEvents(job.job_id, jobEvents(0, 3));
  const stream = subscribe(`/jobs/${job.job_id}/events`);
  try {
    await stream.received(3);
    await api.store.appendEvents(job.job_id, jobEvents(3, 2));
    await stream.received(5);
    await api.store.appendEvents(job.job_id, jobEvents(5, 1));
    await completeJob(api.store, job.job_id);
    const end = await stream.end;
    assert.deepEqual(end, { job_id: job.job_id, status: 'completed', last_seq: 5 } as never);
    assert.deepEqual(
      stream.events.map((e) => e.id),
      ['0', '1', '2', '3', '4', '5'],
    );
    assert.deepEqual(stream.events[4]!.event.data, { n: 4 });
  } finally {
    stream.close();
  }
});

test('resumes after Last-Event-ID or ?after=; a finished job streams the rest and ends at once', async () => {
  const job = await runningJob();
  await api.store.appendEvents(job.job_id, jobEvents(0, 5));
  await completeJob(api.store, job.job_id);
  const byHeader = subscribe(`/jobs/${job.job_id}/events`, { 'last-event-id': '2' });
  assert.equal((await byHeader.end).status, 'completed');
  assert.deepEqual(
    byHeader.events.map((e) => e.id),
    ['3', '4'],
  );
  const byQuery = subscribe(`/jobs/${job.job_id}/events?after=3`);
  await byQuery.end;
  assert.deepEqual(
    byQuery.events.map((e) => e.id),
    ['4'],
  );
});

test('heartbeat comments keep an idle stream open; the stream is text/event-stream', async () => {
  const job = await runningJob();
  const controller = new AbortController();
  const res = await fetch(`${api.url}/jobs/${job.job_id}/events`, { headers: { 'x-api-key': KEYS.alice }, signal: controller.signal });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type')!, /^text\/event-stream/);
  const reader = res.body!.getReader();
  let text = '';
  while ((text.match(/: heartbeat/g) ?? []).length < 2) text += new TextDecoder().decode((await reader.read()).value);
  controller.abort();
  await reader.cancel().catch(() => undefined);
  assert.doesNotMatch(text, /^data:/m, 'no events were written');
});

test('a bad Last-Event-ID or ?after= is 400 before any stream starts', async () => {
  const job = await runningJob();
  const header = await api.call<{ error: { code: string } }>('GET', `/jobs/${job.job_id}/events`, { headers: { 'last-event-id': 'abc' } });
  assert.equal(header.status, 400);
  const query = await api.call<{ error: { code: string } }>('GET', `/jobs/${job.job_id}/events?after=x`);
  assert.equal(query.status, 400);
});

test('every response in this file matches the OpenAPI document', async () => {
  await assertResponsesMatchDocument();
});
