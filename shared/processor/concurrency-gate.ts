// PROCESSOR_CONCURRENCY on a push lane: an instance runs at most that many deliveries at once. One
// beyond it is answered 429 at once, before any work (no decode, no Firestore claim), as Cloud Run
// answers past its containerConcurrency; Pub/Sub then redelivers it with backoff, and a burst waits
// in the subscription instead of failing. Every delivery counts, since each may become a run.
import type { Request, Response } from '@google-cloud/functions-framework';
import type { Logger } from '../logging.js';

export type HttpHandler = (req: Request, res: Response) => Promise<void>;

export interface ConcurrencyGate {
  readonly inFlight: number;
  wrap(handler: HttpHandler): HttpHandler;
}

export function concurrencyGate(limit: number, log: () => Logger): ConcurrencyGate {
  let inFlight = 0;
  return {
    get inFlight() {
      return inFlight;
    },
    wrap: (handler) => async (req, res) => {
      if (inFlight >= limit) {
        log().info('delivery refused: the instance is at PROCESSOR_CONCURRENCY', { in_flight: inFlight, limit, message_id: (req.body as { message?: { messageId?: string } } | undefined)?.message?.messageId });
        res
          .status(429)
          .set('retry-after', '10')
          .set('x-verdict', 'at-capacity')
          .json({ error: { code: 'rate_limited', message: `this instance already runs ${inFlight} job(s) (PROCESSOR_CONCURRENCY=${limit}); deliver again later` } });
        return;
      }
      inFlight++;
      try {
        await handler(req, res);
      } finally {
        inFlight--;
      }
    },
  };
}
