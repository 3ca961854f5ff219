// A Cloud Storage object event as it reaches storage-trigger, in either shape:
// - a GCS Pub/Sub notification (payload JSON_API_V1: attributes eventType, bucketId, objectId,
//   objectGeneration; data = the object resource), pushed by a subscription or wrapped in an
//   Eventarc `messagePublished` CloudEvent — what fake-gcs-server sends in the local stack;
// - an Eventarc CloudEvent `google.cloud.storage.object.v1.finalized|deleted` (data = the object).
import { z } from 'zod';
import { BadDeliveryError, cloudEventOf, messageFromRequest, type HttpDelivery } from '../pubsub/pubsub-message.js';

export interface StorageEvent {
  kind: 'finalized' | 'deleted' | 'other';
  /** The event type as delivered (OBJECT_FINALIZE, google.cloud.storage.object.v1.finalized, …). */
  type: string;
  bucket: string;
  name: string;
  generation: string;
  /** Object size in bytes when the event carries it. */
  size?: number;
  /** Set on the delete of a generation that a newer upload replaced (Pub/Sub notifications only). */
  overwrittenByGeneration?: string;
  /** The delivery's id (Pub/Sub message id or CloudEvent id), for logs. */
  eventId: string;
}

const intString = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String);

const objectResourceSchema = z.looseObject({
  bucket: z.string().min(1),
  name: z.string().min(1),
  generation: intString,
  size: intString.transform(Number).optional(),
});

const notificationAttributesSchema = z.looseObject({
  eventType: z.string().min(1),
  bucketId: z.string().min(1),
  objectId: z.string().min(1),
  objectGeneration: intString,
  overwrittenByGeneration: z.string().optional(),
});

const NOTIFICATION_KINDS: Record<string, StorageEvent['kind']> = { OBJECT_FINALIZE: 'finalized', OBJECT_DELETE: 'deleted' };
const CLOUDEVENT_PREFIX = 'google.cloud.storage.object.v1.';
const CLOUDEVENT_KINDS: Record<string, StorageEvent['kind']> = { finalized: 'finalized', deleted: 'deleted' };

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`).join('; ');
}

/** The storage event of a request; BadDeliveryError when it is none of the shapes above. */
export function storageEventFromRequest(request: HttpDelivery): StorageEvent {
  const event = cloudEventOf(request);
  if (event && event.type.startsWith(CLOUDEVENT_PREFIX)) {
    const data = typeof event.data === 'string' ? (JSON.parse(event.data) as unknown) : Buffer.isBuffer(event.data) ? (JSON.parse(event.data.toString('utf8')) as unknown) : event.data;
    const parsed = objectResourceSchema.safeParse(data);
    if (!parsed.success) throw new BadDeliveryError(`${event.type} event without an object resource: ${issues(parsed.error)}`);
    const o = parsed.data;
    return {
      kind: CLOUDEVENT_KINDS[event.type.slice(CLOUDEVENT_PREFIX.length)] ?? 'other',
      type: event.type,
      bucket: o.bucket,
      name: o.name,
      generation: o.generation,
      ...(o.size !== undefined ? { size: o.size } : {}),
      eventId: event.id,
    };
  }
  const message = messageFromRequest(request);
  const attrs = notificationAttributesSchema.safeParse(message.attributes);
  if (!attrs.success) throw new BadDeliveryError(`not a Cloud Storage notification: ${issues(attrs.error)}`);
  const a = attrs.data;
  let size: number | undefined;
  if (message.data.length > 0) {
    // payload JSON_API_V1: the object resource (payload NONE sends no data).
    try {
      const resource = objectResourceSchema.safeParse(JSON.parse(message.data.toString('utf8')));
      if (resource.success) size = resource.data.size;
    } catch {
      // the attributes are enough; the size is then learned while reading
    }
  }
  return {
    kind: NOTIFICATION_KINDS[a.eventType] ?? 'other',
    type: a.eventType,
    bucket: a.bucketId,
    name: a.objectId,
    generation: a.objectGeneration,
    ...(size !== undefined ? { size } : {}),
    ...(a.overwrittenByGeneration ? { overwrittenByGeneration: a.overwrittenByGeneration } : {}),
    eventId: message.messageId,
  };
}
