// How the hostile suite judges one HTTP exchange: the client's answer (when there was one) and the
// handlers' own outcomes on the server (served-api.ts). A 5xx on either side is a 5xx; a handler
// still running is a hang; a 4xx must carry the error envelope; an entry's own oracle (an accepted
// dangerous URL, another owner's upload taken) is a wrong answer.
import { errorEnvelopeSchema } from '../../shared/api/api-schemas.js';
import type { RawAnswer } from './raw-http.js';
import type { ServedApi } from './served-api.js';

export class ServerError extends Error {
  override name = 'ServerError';
}
export class HungHandler extends Error {
  override name = 'HungHandler';
}
/** An answer that is not a 5xx but is still wrong: no envelope, or a refusal the input called for was not made. */
export class WrongAnswer extends Error {
  override name = 'WrongAnswer';
}

const HANDLER_DEADLINE_MS = 9000;

export interface Judged {
  answer: RawAnswer | undefined;
  /** The envelope's details' fields, when the answer was a 4xx. */
  fields: string[];
  message: string;
}

/** `brokenFraming`: the request's framing was cut off or invalid (raw-http.ts), so node's parser may answer it. */
export async function judge(api: ServedApi, answer: RawAnswer | undefined, what: string, brokenFraming = false): Promise<Judged> {
  const settled = await api.settle(HANDLER_DEADLINE_MS);
  if (!settled) throw new HungHandler(`a handler of ${what} had not ended ${HANDLER_DEADLINE_MS} ms after the exchange`);
  const logged = settled.errors.length ? `; logged: ${settled.errors.join(' | ').slice(0, 400)}` : '';
  for (const o of settled.outcomes) {
    if (o.threw) throw new Error(`the handler of ${what} rejected: ${o.threw}${logged}`);
    if (o.status >= 500) throw new ServerError(`${what}: the handler answered ${o.status}${logged}`);
  }
  if (!answer) return { answer, fields: [], message: '' };
  if (answer.status >= 500) throw new ServerError(`${what} → ${answer.status} ${answer.body.slice(0, 300)}${logged}`);
  if (answer.status < 400) return { answer, fields: [], message: '' };
  // Node's HTTP parser answers broken framing itself, with a bare 400, before a handler writes
  // anything (the handler's own answer, checked above, is then lost). On GCP the front end re-frames
  // every request, so no function sees such framing; locally it is node's refusal, not the API's.
  if (brokenFraming && answer.status === 400 && answer.body === '') return { answer, fields: [], message: '(refused by the HTTP parser)' };
  let envelope;
  try {
    envelope = errorEnvelopeSchema.safeParse(JSON.parse(answer.body));
  } catch {
    envelope = undefined;
  }
  if (!envelope?.success || !/^application\/json/.test(answer.headers['content-type'] ?? '')) throw new WrongAnswer(`${what} → ${answer.status} without the error envelope: ${answer.body.slice(0, 200)}`);
  const { message, details } = envelope.data.error;
  if (!message) throw new WrongAnswer(`${what} → ${answer.status} with an empty message`);
  return { answer, fields: (details ?? []).map((d) => d.field), message };
}
