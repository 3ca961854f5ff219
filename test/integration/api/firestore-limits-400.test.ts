// POST /jobs with a request Firestore cannot store answers 400 naming the field; nothing is written
// and nothing is published, so no poison message can loop through the lanes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { collectTopic, eventually } from '../../support/test-env.js';
import { startApi, type ApiServer } from './support/api-server.js';

type ErrorBody = { error: { code: string; message: string; details: { field: string; message: string }[] } };

let api: ApiServer;
let lane: Awaited<ReturnType<typeof collectTopic>>;
before(async () => {
  api = await startApi();
  lane = await collectTopic(api.env.pubsub, api.env.config.JOBS_TOPIC);
});
after(async () => {
  await lane.stop();
  await api.close();
});

const nested = (levels: number): Record<string, unknown> => (levels === 1 ? { type: 'string' } : { items: nested(levels - 1) });

test('a too-deep output_schema, an empty or reserved key (output_schema, metadata) and an oversized request are each a 400 naming the field, with no job and no message', async () => {
  const cases: [unknown, RegExp][] = [
    [{ prompt: 'deep', output_schema: nested(25) }, /^output_schema(\.items)+$/],
    [{ prompt: 'empty key', output_schema: { properties: { '': { type: 'string' } } } }, /^output_schema\.properties$/],
    [{ prompt: 'reserved', output_schema: { __key__: true } }, /^output_schema\.__key__$/],
    // Found by Schemathesis: a reserved metadata key made every write of the job fail (a 503).
    [{ prompt: 'reserved metadata key', metadata: { __main__: 'x' } }, /^metadata\.__main__$/],
    [{ prompt: 'big', output_schema: { enum: Array.from({ length: 700 }, (_, i) => `${i}`.padEnd(1000, 'x')) } }, /^output_schema$/],
  ];
  for (const [body, field] of cases) {
    const res = await api.call<ErrorBody>('POST', '/jobs', { body });
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal(res.body.error.code, 'bad_request');
    assert.ok(res.body.error.details.some((d) => field.test(d.field)), `${JSON.stringify(res.body.error.details)} names ${field}`);
  }
  const docs = await api.env.firestore.collection('jobs').get();
  assert.equal(docs.size, 0, 'nothing written');
  // One good job after the bad ones: when its message is there, a bad one would have been too.
  const good = await api.call<{ job_id: string }>('POST', '/jobs', { body: { prompt: 'fine', output_schema: nested(20) } });
  assert.equal(good.status, 202);
  await eventually(() => (lane.messages.some((m) => m.attributes.job_id === good.body.job_id) ? true : undefined), 'the good job\'s message');
  assert.deepEqual(lane.messages.map((m) => m.attributes.job_id), [good.body.job_id]);
});
