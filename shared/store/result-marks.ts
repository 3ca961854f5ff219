// The codex-results bookkeeping on a job document (Firestore-only fields, not part of the API's job).
// One message per terminal job in the normal path, and none lost when a sender dies:
// - every terminal write sets `result_due_at` in the same transaction: from then on the result is
//   owed, so no crash between the status write and the publish can hide it;
// - a sender reserves it (result_due_at moves RESULT_RESEND_AFTER_MS ahead: nobody else sends it
//   meanwhile), publishes, then confirms (`result_sent_at` set, result_due_at removed). The
//   processor's own terminal write reserves at once, so its normal path stays one transaction;
// - a failed publish makes it due at once; a sender killed before its confirmation leaves it due
//   RESULT_RESEND_AFTER_MS later. Either way a redelivery or the sweeper (unsent-results.ts) sends it.
// A second message after a lost confirmation is harmless: the notifier delivers once per job
// (webhook_deliveries, keyed by job, with the stable webhook-id msg_<job_id>).
// result_sent_at also paces the sweeper's resends of a webhook left `pending` (stale-webhooks.ts):
// each resend moves it to the sweep's time.
import type { DocumentData } from '@google-cloud/firestore';

/** How long a reservation is held before the sweeper counts its sender as gone and sends the result itself. */
export const RESULT_RESEND_AFTER_MS = 120_000;

export const RESULT_DUE_AT = 'result_due_at';
export const RESULT_SENT_AT = 'result_sent_at';
/**
 * The one mark of documents written before result_due_at existed: set when the result was reserved
 * and kept once published. Such a job counts as sent (whether its publish happened cannot be told).
 */
export const LEGACY_RESULT_PUBLISHED_AT = 'result_published_at';

/** What a terminal write adds: the result is owed, due at once — or reserved by the writer, which publishes next. */
export function resultOwed(at: string, reservedByWriter = false): Record<string, string> {
  return { [RESULT_DUE_AT]: reservedByWriter ? reservedUntil(new Date(at)) : at };
}

/** The due time of a reservation taken at `now`. */
export function reservedUntil(now: Date): string {
  return new Date(now.getTime() + RESULT_RESEND_AFTER_MS).toISOString();
}

export type ResultMarkState = 'sent' | 'held' | 'due';

/** Where a terminal document's result stands at `now` (no mark at all: owed, as before the marks existed). */
export function resultMarkState(data: DocumentData, now: Date): ResultMarkState {
  if (data[RESULT_SENT_AT] || data[LEGACY_RESULT_PUBLISHED_AT]) return 'sent';
  const due = data[RESULT_DUE_AT];
  return typeof due === 'string' && Date.parse(due) > now.getTime() ? 'held' : 'due';
}
