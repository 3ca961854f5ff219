// The long lane at the API: timeout_ms above MAX_JOB_TIMEOUT_MS (up to MAX_LONG_JOB_TIMEOUT_MS) goes to
// codex-jobs-long for every priority and the document records lane=long; with LONG_JOBS_TOPIC empty
// there is no long lane and such a request is a 400 that says why.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { collectTopic, eventually } from '../../support/test-env.js';
import { startApi, type ApiServer } from './support/api-server.js';

type Submitted = { job_id: string; status: string; estimated_completion: string };
type ErrorBody = { error: { code: string; message: string; details?: { field: string; message: string }[] } };
const THIRTY_MINUTES = 30 * 60_000;

describe('with the long lane (default LONG_JOBS_TOPIC)', () => {
  let api: ApiServer;
  before(async () => {
    api = await startApi();
  });
  after(() => api.close());

  test('a 30-minute job is accepted and routed to codex-jobs-long with lane=long, whatever its priority', async () => {
    assert.equal(api.env.config.LONG_JOBS_TOPIC, 'codex-jobs-long');
    const long = await collectTopic(api.env.pubsub, 'codex-jobs-long');
    const normal = await collectTopic(api.env.pubsub, api.env.config.JOBS_TOPIC);
    const priority = await collectTopic(api.env.pubsub, api.env.config.PRIORITY_JOBS_TOPIC);
    try {
      const ids: Record<string, string> = {};
      for (const p of ['low', 'normal', 'high', 'critical'] as const) {
        const res = await api.call<Submitted>('POST', '/jobs', { body: { prompt: `long ${p}`, timeout_ms: THIRTY_MINUTES, priority: p } });
        assert.equal(res.status, 202, JSON.stringify(res.body));
        assert.equal(Date.parse(res.body.estimated_completion) - Date.now() > 25 * 60_000, true, 'estimated from its own timeout');
        ids[p] = res.body.job_id;
        const job = await api.store.get(res.body.job_id);
        assert.equal(job?.lane, 'long');
        assert.equal(job?.timeout_ms, THIRTY_MINUTES);
      }
      const short = await api.call<Submitted>('POST', '/jobs', { body: { prompt: 'short high', priority: 'high' } });
      const shortNormal = await api.call<Submitted>('POST', '/jobs', { body: { prompt: 'short', timeout_ms: api.env.config.MAX_JOB_TIMEOUT_MS } });
      assert.equal((await api.store.get(short.body.job_id))?.lane, 'priority');
      assert.equal((await api.store.get(shortNormal.body.job_id))?.lane, 'normal', 'MAX_JOB_TIMEOUT_MS itself stays on the push lane');

      await eventually(() => (long.messages.length >= 4 ? true : undefined), 'four messages on codex-jobs-long');
      await eventually(() => (normal.messages.length >= 1 && priority.messages.length >= 1 ? true : undefined), 'the short jobs on the push lanes');
      assert.deepEqual(long.messages.map((m) => (m.data as { job_id: string }).job_id).sort(), Object.values(ids).sort());
      for (const m of long.messages) {
        assert.equal(m.attributes.lane, 'long');
        assert.equal((m.data as { lane: string }).lane, 'long');
      }
      assert.deepEqual(normal.messages.map((m) => (m.data as { job_id: string }).job_id), [shortNormal.body.job_id]);
      assert.deepEqual(priority.messages.map((m) => (m.data as { job_id: string }).job_id), [short.body.job_id]);
    } finally {
      await Promise.all([long.stop(), normal.stop(), priority.stop()]);
    }
  });

  test('above MAX_LONG_JOB_TIMEOUT_MS is a 400 naming the ceiling', async () => {
    const res = await api.call<ErrorBody>('POST', '/jobs', { body: { prompt: 'x', timeout_ms: api.env.config.MAX_LONG_JOB_TIMEOUT_MS + 1 } });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.details![0]!.field, 'timeout_ms');
    assert.match(res.body.error.message, /MAX_LONG_JOB_TIMEOUT_MS/);
  });
});

describe('with LONG_JOBS_TOPIC empty (no long lane)', () => {
  let api: ApiServer;
  before(async () => {
    api = await startApi({ env: { LONG_JOBS_TOPIC: '' } });
  });
  after(() => api.close());

  test('a timeout above MAX_JOB_TIMEOUT_MS is a 400 that says there is no long lane', async () => {
    assert.equal(api.env.config.LONG_JOBS_TOPIC, '');
    const res = await api.call<ErrorBody>('POST', '/jobs', { body: { prompt: 'x', timeout_ms: THIRTY_MINUTES } });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'bad_request');
    assert.equal(res.body.error.details![0]!.field, 'timeout_ms');
    assert.match(res.body.error.message, /long lane/);
    assert.match(res.body.error.message, /LONG_JOBS_TOPIC is empty/);
    const ok = await api.call<Submitted>('POST', '/jobs', { body: { prompt: 'x', timeout_ms: api.env.config.MAX_JOB_TIMEOUT_MS } });
    assert.equal(ok.status, 202);
  });
});
