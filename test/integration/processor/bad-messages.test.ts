// Whatever arrives on the job topic, the processor answers without crashing: bad messages are logged
// with what job_id is known and acked (never a redelivery loop); a message that beats its document
// creates it; a dead-lettered message fails its job.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import * as functions from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { HTTP, CloudEvent } from 'cloudevents';
import { createLogger } from '../../../shared/logging.js';
import { processorHandler } from '../../../shared/processor/processor-http.js';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';

let h: ProcessorHarness;
let url: string;
const logs: Record<string, unknown>[] = [];
let close: () => Promise<void>;
before(async () => {
  h = await processorHarness();
  const deps = { ...h.deps, log: createLogger('DEBUG', {}, (line) => logs.push(JSON.parse(line))) };
  functions.http('processor-under-test', processorHandler(deps));
  const server = getTestServer('processor-under-test');
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/projects/${h.env.project}/topics/codex-jobs`;
  close = () => new Promise((r) => server.close(() => r()));
});
after(async () => {
  await close();
  await h.close();
});

function push(data: string | Buffer, attributes: Record<string, string> = {}) {
  const body = { message: { data: Buffer.from(data).toString('base64'), attributes, messageId: String(Math.random()) }, subscription: 'projects/p/subscriptions/s' };
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

test('a request that is not a Pub/Sub delivery is logged and acked (a 4xx would be redelivered until dead-lettered)', async () => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"hello":"world"}' });
  assert.equal(res.status, 204);
  assert.equal(res.headers.get('x-verdict'), 'undecodable');
  assert.ok(logs.some((l) => l.severity === 'ERROR' && /not a Pub\/Sub delivery/.test(String(l.message)) && /not a Pub\/Sub push body/.test(JSON.stringify(l.error))));
});

test('data that is not JSON is logged and acked', async () => {
  const res = await push('{{{ not json', { job_id: 'job-not-json' });
  assert.equal(res.status, 204);
  assert.ok(logs.some((l) => l.severity === 'ERROR' && l.job_id === 'job-not-json' && /not JSON/.test(String(l.message))));
});

test('a message with the wrong schema or missing fields is logged with its job_id and acked', async () => {
  const res = await push(JSON.stringify({ job_id: 'job-missing-fields', prompt: 'x' }));
  assert.equal(res.status, 204);
  const line = logs.find((l) => l.job_id === 'job-missing-fields');
  assert.equal(line?.severity, 'ERROR');
  assert.match(JSON.stringify(line?.issues), /owner/);
  assert.equal(await h.deps.store.get('job-missing-fields'), null, 'no job was made from it');
  assert.equal((await push(JSON.stringify([1, 2, 3]))).status, 204);
});

test('a message that arrives before its document creates the document and runs the job', async () => {
  const { job, message } = await h.submit({ prompt: 'message first marker-mf [[final:made it]]' }, { writeDocument: false });
  assert.equal(await h.deps.store.get(job.job_id), null);
  const res = await push(message.data, message.attributes);
  assert.equal(res.status, 204);
  const done = await h.deps.store.get(job.job_id);
  assert.equal(done?.status, 'completed');
  assert.equal(done?.result?.final_message, 'made it');
  assert.equal(done?.prompt, job.prompt);
});

test('the same message as an Eventarc CloudEvent (binary mode) is handled alike', async () => {
  const { job, message } = await h.submit({ prompt: 'cloudevent marker-ce [[final:via eventarc]]' });
  const event = new CloudEvent({
    type: 'google.cloud.pubsub.topic.v1.messagePublished',
    source: `//pubsub.googleapis.com/projects/${h.env.project}/topics/codex-jobs`,
    datacontenttype: 'application/json',
    data: { message: { data: message.data.toString('base64'), attributes: message.attributes, messageId: message.messageId }, subscription: 'projects/p/subscriptions/s' },
  });
  const binary = HTTP.binary(event);
  const res = await fetch(url, { method: 'POST', headers: binary.headers as Record<string, string>, body: binary.body as string });
  assert.equal(res.status, 204);
  assert.equal((await h.deps.store.get(job.job_id))?.result?.final_message, 'via eventarc');
});

test('a dead-lettered job message marks its job failed with dead_lettered, without running it', async () => {
  const { job, message } = await h.submit({ prompt: 'dead letter marker-dl' });
  const res = await push(message.data, { ...message.attributes, CloudPubSubDeadLetterSourceDeliveryCount: '5' });
  assert.equal(res.status, 204);
  const done = await h.deps.store.get(job.job_id);
  assert.equal(done?.status, 'failed');
  assert.equal(done?.error?.code, 'dead_lettered');
  assert.match(done!.error!.message, /5 failed deliveries/);
  assert.equal(h.modelRequestsFor('marker-dl').length, 0);
});
