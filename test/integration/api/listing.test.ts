// GET /jobs: newest first, filters, limit ≤ 100, an opaque cursor; paging through 1 000 jobs
// returns each exactly once (including jobs created in the same millisecond).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { JobDocument } from '../../../shared/jobs/job-document.js';
import { startApi, KEYS, type ApiServer } from './support/api-server.js';
import { completedResult, seedJobs, seededJob } from './support/job-fixtures.js';
import { JOBS_COLLECTION, toFirestore } from '../../../shared/store/firestore-job-store.js';
import { assertResponsesMatchDocument } from './support/openapi-conformance.js';

type Page = { jobs: JobDocument[]; next_cursor: string | null };
type ErrorBody = { error: { code: string; details?: { field: string }[] } };

let api: ApiServer;
const seeded: JobDocument[] = [];
before(async () => {
  api = await startApi();
  const base = Date.parse('2030-01-01T00:00:00.000Z');
  const priorities = ['low', 'normal', 'high', 'critical'] as const;
  const sources = ['http', 'storage', 'scheduler'] as const;
  for (let i = 0; i < 1000; i++) {
    // Pairs share a created_at: the job_id breaks the tie.
    seeded.push(seededJob('alice', { created_at: new Date(base + Math.floor(i / 2) * 1000).toISOString(), priority: priorities[i % 4], source: sources[i % 3] }));
  }
  for (let i = 0; i < 30; i++) seeded.push(seededJob('bob', { created_at: new Date(base + i * 1000).toISOString() }));
  await seedJobs(api.env.firestore, seeded);
});
after(() => api.close());

async function pageAll(query: string, key: string = KEYS.alice): Promise<JobDocument[]> {
  const all: JobDocument[] = [];
  let cursor: string | null = null;
  do {
    const res: { status: number; body: Page } = await api.call<Page>('GET', `/jobs?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { key });
    assert.equal(res.status, 200);
    all.push(...res.body.jobs);
    cursor = res.body.next_cursor;
  } while (cursor);
  return all;
}

function newestFirst(jobs: JobDocument[]): JobDocument[] {
  return [...jobs].sort((a, b) => (a.created_at === b.created_at ? b.job_id.localeCompare(a.job_id) : b.created_at.localeCompare(a.created_at)));
}

test('paging through 1 000 jobs returns each exactly once, newest first', async () => {
  const all = await pageAll('limit=100');
  const mine = seeded.filter((j) => j.owner === 'alice');
  assert.equal(all.length, 1000);
  assert.equal(new Set(all.map((j) => j.job_id)).size, 1000);
  assert.deepEqual(
    all.map((j) => j.job_id),
    newestFirst(mine).map((j) => j.job_id),
  );
});

test('filters combine, and pages of an odd size still cover everything once', async () => {
  const high = await pageAll('priority=high&source=storage&limit=7');
  const expected = seeded.filter((j) => j.owner === 'alice' && j.priority === 'high' && j.source === 'storage');
  assert.ok(expected.length > 50);
  assert.deepEqual(
    high.map((j) => j.job_id),
    newestFirst(expected).map((j) => j.job_id),
  );
  const queued = await api.call<Page>('GET', '/jobs?status=queued&limit=5');
  assert.equal(queued.body.jobs.length, 5);
  const none = await api.call<Page>('GET', '/jobs?status=completed');
  assert.deepEqual(none.body, { jobs: [], next_cursor: null });
});

test('the default page is 20; an admin pages through every owner', async () => {
  const first = await api.call<Page>('GET', '/jobs');
  assert.equal(first.body.jobs.length, 20);
  assert.ok(first.body.next_cursor);
  const everyone = await pageAll('limit=100', KEYS.root);
  assert.equal(everyone.length, 1030);
  const bob = await pageAll('limit=100', KEYS.bob);
  assert.equal(bob.length, 30);
});

test('bad limits, filters, cursors and unknown parameters are 400 naming the parameter', async () => {
  for (const [query, field] of [
    ['limit=101', 'query.limit'],
    ['limit=0', 'query.limit'],
    ['limit=ten', 'query.limit'],
    ['status=done', 'query.status'],
    ['priority=urgent', 'query.priority'],
    ['source=ftp', 'query.source'],
    ['cursor=not-a-cursor', 'query.cursor'],
    ['cursor=W10', 'query.cursor'],
    // A well-formed cursor whose job id holds `/`: Firestore's startAfter would throw (a 500 before).
    [`cursor=${Buffer.from(JSON.stringify(['2030-01-01T00:00:00.000Z', 'jobs/x'])).toString('base64url')}`, 'query.cursor'],
    [`cursor=${Buffer.from(JSON.stringify(['2030-01-01T00:00:00.000Z', 'a/b'])).toString('base64url')}`, 'query.cursor'],
    ['stauts=queued', 'query.stauts'],
    ['limit=1&limit=2', 'query.limit'],
  ]) {
    const res = await api.call<ErrorBody>('GET', `/jobs?${query}`);
    assert.equal(res.status, 400, query);
    assert.equal(res.body.error.code, 'bad_request');
    assert.equal(res.body.error.details?.[0]?.field, field, query);
  }
});

test('a listed job is a summary: prompt_preview instead of the prompt, no output_schema, no result texts; GET /jobs/{id} has them', async () => {
  const big = 'x'.repeat(100_000);
  const prompt = `${'ab'.repeat(99)}🙂${big}`; // its 199th character is an emoji (two UTF-16 units): the preview counts characters
  const created_at = '2031-01-01T00:00:00.000Z';
  const full = { ...seededJob('bob', { created_at }), prompt, output_schema: { type: 'object', description: big } };
  const done = {
    ...full,
    status: 'completed' as const,
    result: { ...completedResult({ final_message: big, stdout: big, stderr: big }), structured_output: { big } },
  };
  // An old document, written before prompt_preview was stored: its preview is read from its prompt.
  const old = { ...seededJob('bob', { created_at: '2031-01-01T00:00:01.000Z' }), prompt: `old ${big}` };
  await seedJobs(api.env.firestore, [done]);
  const { prompt_preview: _, ...oldData } = toFirestore(old);
  await api.env.firestore.collection(JOBS_COLLECTION).doc(old.job_id).create(oldData);

  const res = await api.call<{ jobs: Record<string, unknown>[] }>('GET', '/jobs?limit=2', { key: KEYS.bob });
  assert.equal(res.status, 200);
  assert.ok(res.text.length < 8_000, `the page is ${res.text.length} bytes`);
  const [oldListed, listed] = res.body.jobs;
  assert.equal(oldListed!.prompt_preview, `old ${big}`.slice(0, 200));
  assert.equal(listed!.job_id, done.job_id);
  assert.equal(listed!.prompt_preview, `${'ab'.repeat(99)}🙂`.padEnd(201, 'x'));
  for (const field of ['prompt', 'output_schema']) assert.ok(!(field in listed!), field);
  const result = listed!.result as Record<string, unknown>;
  for (const field of ['final_message', 'stdout', 'stderr', 'structured_output']) assert.ok(!(field in result), `result.${field}`);
  assert.equal(result.exit_code, 0);
  assert.deepEqual(result.usage, done.result.usage);
  assert.equal(listed!.status, 'completed');

  const whole = await api.call<JobDocument>('GET', `/jobs/${done.job_id}`, { key: KEYS.bob });
  assert.equal(whole.body.prompt, prompt);
  assert.deepEqual(whole.body.output_schema, full.output_schema);
  assert.equal(whole.body.result?.stdout, big);
});

test('every response in this file matches the OpenAPI document', async () => {
  assert.ok((await assertResponsesMatchDocument()) > 30);
});
