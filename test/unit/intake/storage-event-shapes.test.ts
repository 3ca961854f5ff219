// Both shapes of a Cloud Storage event reach one StorageEvent: the GCS Pub/Sub notification
// (JSON_API_V1, pushed or inside a messagePublished CloudEvent) and Eventarc's storage CloudEvents.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CloudEvent, HTTP } from 'cloudevents';
import { storageEventFromRequest } from '../../../shared/intake/storage-event.js';
import { BadDeliveryError } from '../../../shared/pubsub/pubsub-message.js';

const object = { kind: 'storage#object', bucket: 'up', name: 'prompts/fix-bug.prompt', generation: '1712345678901234', size: '42', contentType: 'text/plain' };
const attributes = { eventType: 'OBJECT_FINALIZE', bucketId: 'up', objectId: 'prompts/fix-bug.prompt', objectGeneration: '1712345678901234', payloadFormat: 'JSON_API_V1', notificationConfig: 'projects/_/buckets/up/notificationConfigs/1' };
const push = (attrs: Record<string, string>, data: unknown = object) => ({
  headers: { 'content-type': 'application/json' },
  body: { message: { data: Buffer.from(JSON.stringify(data)).toString('base64'), attributes: attrs, messageId: 'm-1' }, subscription: 'projects/p/subscriptions/s' },
});

test('a GCS Pub/Sub notification push (JSON_API_V1)', () => {
  assert.deepEqual(storageEventFromRequest(push(attributes)), {
    kind: 'finalized',
    type: 'OBJECT_FINALIZE',
    bucket: 'up',
    name: 'prompts/fix-bug.prompt',
    generation: '1712345678901234',
    size: 42,
    eventId: 'm-1',
  });
  const del = storageEventFromRequest(push({ ...attributes, eventType: 'OBJECT_DELETE', overwrittenByGeneration: '1712345678909999' }));
  assert.equal(del.kind, 'deleted');
  assert.equal(del.overwrittenByGeneration, '1712345678909999');
  assert.equal(storageEventFromRequest(push({ ...attributes, eventType: 'OBJECT_METADATA_UPDATE' })).kind, 'other');
  // payload NONE: no data, the attributes are enough
  const none = storageEventFromRequest({ headers: {}, body: { message: { attributes: { ...attributes, payloadFormat: 'NONE' }, messageId: 'm-2' } } });
  assert.equal(none.name, 'prompts/fix-bug.prompt');
  assert.equal(none.size, undefined);
});

test('Eventarc storage CloudEvents, binary and structured mode', () => {
  for (const [type, kind] of [
    ['google.cloud.storage.object.v1.finalized', 'finalized'],
    ['google.cloud.storage.object.v1.deleted', 'deleted'],
    ['google.cloud.storage.object.v1.metadataUpdated', 'other'],
  ] as const) {
    const ce = new CloudEvent({ id: 'ce-1', type, source: '//storage.googleapis.com/projects/_/buckets/up', subject: 'objects/prompts/fix-bug.prompt', datacontenttype: 'application/json', data: object });
    for (const message of [HTTP.binary(ce), HTTP.structured(ce)]) {
      const body = JSON.parse(String(message.body));
      const event = storageEventFromRequest({ headers: message.headers as Record<string, string>, body });
      assert.deepEqual(event, { kind, type, bucket: 'up', name: 'prompts/fix-bug.prompt', generation: '1712345678901234', size: 42, eventId: 'ce-1' });
    }
  }
});

test('a notification inside an Eventarc messagePublished CloudEvent', () => {
  const inner = push(attributes).body;
  const ce = new CloudEvent({ id: 'ce-2', type: 'google.cloud.pubsub.topic.v1.messagePublished', source: '//pubsub.googleapis.com/projects/p/topics/codex-storage-events', datacontenttype: 'application/json', data: inner });
  const message = HTTP.binary(ce);
  const event = storageEventFromRequest({ headers: message.headers as Record<string, string>, body: JSON.parse(String(message.body)) });
  assert.equal(event.kind, 'finalized');
  assert.equal(event.name, 'prompts/fix-bug.prompt');
  assert.equal(event.eventId, 'm-1');
});

test('anything else is a bad delivery', () => {
  assert.throws(() => storageEventFromRequest({ headers: {}, body: { hello: 'world' } }), BadDeliveryError);
  assert.throws(() => storageEventFromRequest(push({ eventType: 'OBJECT_FINALIZE', bucketId: 'up' })), /not a Cloud Storage notification: objectId/);
  const ce = new CloudEvent({ id: 'x', type: 'google.cloud.storage.object.v1.finalized', source: 's', datacontenttype: 'application/json', data: { bucket: 'up' } });
  const m = HTTP.binary(ce);
  assert.throws(() => storageEventFromRequest({ headers: m.headers as Record<string, string>, body: JSON.parse(String(m.body)) }), /without an object resource/);
});
