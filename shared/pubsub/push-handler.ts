// The HTTP shape every push-fed function shares: decode the delivery (Pub/Sub push body or Eventarc
// CloudEvent), run the handler, and answer as Pub/Sub expects: 204 acks, 503 (or 429 for a job that
// waits its turn) asks for a redelivery (with backoff). What cannot be decoded at all is logged and acked too: a 4xx would only make Pub/Sub
// redeliver it until it is dead-lettered. Trace context reaches the logs.
import type { Request, Response } from '@google-cloud/functions-framework';
import { traceFromHeader, type LogFields, type Logger } from '../logging.js';
import { BadDeliveryError, type HttpDelivery } from './pubsub-message.js';
import { flushTraces } from '../telemetry/tracing.js';

/**
 * ack: done with the message (whatever happened to the job); retry: come back later, answered 503, or
 * 429 (status) when the job is fine and only has to wait its turn (rate_limited, like a full instance).
 */
export type PushOutcome = { ack: true; reason: string } | { ack: false; reason: string; message?: string; retryAfterSeconds?: number; status?: 429 | 503 };

export interface PushHandlerOptions<D> {
  /** Read on every request, so a swapped logger (tests, log-level changes) takes effect. */
  deps: { config: { GOOGLE_CLOUD_PROJECT: string }; log: Logger };
  /** What a delivery is called in the log when it cannot be decoded. */
  what: string;
  decode(request: HttpDelivery): D;
  handle(delivery: D, log: Logger): Promise<PushOutcome>;
  /** Log fields that identify a delivery when its handling fails. */
  describe(delivery: D): LogFields;
}

function isClientError(err: unknown): boolean {
  return err instanceof BadDeliveryError || err instanceof SyntaxError || (err as Error).name === 'ValidationError';
}

export function pushHandler<D>(options: PushHandlerOptions<D>) {
  return async (req: Request, res: Response): Promise<void> => {
    const { config, log: baseLog } = options.deps;
    const trace = traceFromHeader(config.GOOGLE_CLOUD_PROJECT, req.header('x-cloud-trace-context'));
    const log = trace ? baseLog.child({ trace }) : baseLog;
    let delivery: D;
    try {
      delivery = options.decode({ headers: req.headers, body: req.body });
    } catch (err) {
      log.error(`request is not a ${options.what}; acked without work`, { error: err as Error, client_error: isClientError(err) });
      res.status(204).set('x-verdict', 'undecodable').end();
      return;
    }
    try {
      // Spans go out before the answer: after it, a Cloud Run instance may get no CPU to send them.
      const outcome = await options.handle(delivery, log).finally(flushTraces);
      if (outcome.ack) {
        res.status(204).set('x-verdict', outcome.reason).end();
        return;
      }
      if (outcome.retryAfterSeconds) res.set('retry-after', String(outcome.retryAfterSeconds));
      const status = outcome.status ?? 503;
      res.status(status).set('x-verdict', outcome.reason).json({ error: { code: status === 429 ? 'rate_limited' : 'unavailable', message: outcome.message ?? outcome.reason } });
    } catch (err) {
      // A dependency failed (Firestore, Pub/Sub, Storage): Pub/Sub redelivers with backoff; handlers are idempotent.
      log.error(`${options.what} failed; asking for redelivery`, { ...options.describe(delivery), error: err as Error });
      res.status(503).json({ error: { code: 'unavailable', message: (err as Error).message } });
    }
  };
}
