// A Pub/Sub message as it reaches an HTTP function: a push body `{message, subscription}`, or the
// same message inside an Eventarc CloudEvent (binary `ce-*` headers or structured JSON).
import { HTTP, type CloudEvent } from 'cloudevents';
import { z } from 'zod';

export interface PubSubMessage {
  messageId: string;
  data: Buffer;
  attributes: Record<string, string>;
  orderingKey?: string;
  publishTime?: string;
  deliveryAttempt?: number;
  subscription?: string;
}

const pushBodySchema = z.object({
  message: z.object({
    data: z.string().optional(),
    attributes: z.record(z.string(), z.string()).nullish(),
    messageId: z.string().optional(),
    message_id: z.string().optional(),
    orderingKey: z.string().optional(),
    publishTime: z.string().optional(),
    publish_time: z.string().optional(),
  }),
  subscription: z.string().optional(),
  deliveryAttempt: z.number().optional(),
});

export class BadDeliveryError extends Error {
  override name = 'BadDeliveryError';
}

export function messageFromPushBody(body: unknown): PubSubMessage {
  const parsed = pushBodySchema.safeParse(body);
  if (!parsed.success) throw new BadDeliveryError(`not a Pub/Sub push body: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`);
  const { message, subscription, deliveryAttempt } = parsed.data;
  return {
    messageId: message.messageId ?? message.message_id ?? '',
    data: Buffer.from(message.data ?? '', 'base64'),
    attributes: message.attributes ?? {},
    ...(message.orderingKey ? { orderingKey: message.orderingKey } : {}),
    ...((message.publishTime ?? message.publish_time) ? { publishTime: message.publishTime ?? message.publish_time } : {}),
    ...(deliveryAttempt ? { deliveryAttempt } : {}),
    ...(subscription ? { subscription } : {}),
  };
}

export interface HttpDelivery {
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** The CloudEvent of a request, when it is one (binary or structured mode); otherwise undefined. */
export function cloudEventOf(request: HttpDelivery): CloudEvent<unknown> | undefined {
  const h = request.headers;
  const contentType = String(h['content-type'] ?? '');
  if (!h['ce-specversion'] && !contentType.startsWith('application/cloudevents+json')) return undefined;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (typeof v === 'string') headers[k] = v;
  const body = typeof request.body === 'string' || Buffer.isBuffer(request.body) ? request.body : JSON.stringify(request.body ?? {});
  let event;
  try {
    event = HTTP.toEvent({ headers, body });
  } catch (err) {
    // The SDK throws TypeError (and its ValidationError) for malformed events: the sender's fault.
    throw new BadDeliveryError(`not a valid CloudEvent: ${(err as Error).message}`);
  }
  const first = (Array.isArray(event) ? event[0] : event) as CloudEvent<unknown> | undefined;
  if (!first) throw new BadDeliveryError('not a valid CloudEvent: an empty batch');
  if (typeof first.type !== 'string' || typeof first.id !== 'string') throw new BadDeliveryError('not a valid CloudEvent: it has no type or id');
  return first;
}

/** The Pub/Sub message of a push request or of a `messagePublished` CloudEvent. */
export function messageFromRequest(request: HttpDelivery): PubSubMessage {
  const event = cloudEventOf(request);
  if (!event) return messageFromPushBody(request.body);
  const data = typeof event.data === 'string' ? JSON.parse(event.data) : event.data;
  return messageFromPushBody(data);
}

export function messageJson(message: PubSubMessage): unknown {
  return JSON.parse(message.data.toString('utf8'));
}

/** Set by Pub/Sub on messages it forwards to a dead-letter topic. */
export const DEAD_LETTER_ATTRIBUTE = 'CloudPubSubDeadLetterSourceDeliveryCount';
