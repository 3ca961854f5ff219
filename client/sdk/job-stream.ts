// jobs.stream(id): the job's events in seq order, live until the job ends. After a drop (the
// connection ends without `event: end`, or fails) it reconnects with Last-Event-ID = the last seq
// it yielded, so nothing is yielded twice and nothing is skipped.
import { jobEventSchema, type JobEvent } from '../../shared/jobs/job-document.js';
import { streamEndSchema } from '../../shared/jobs/api-responses.js';
import { CodexJobsError } from './errors.js';
import { aborted, type HttpTransport } from './http-transport.js';
import { retryDelayMs, sleep } from './retry-policy.js';
import { readSse } from './sse-reader.js';

export interface StreamOptions {
  /** Start after this seq (default -1: from the first event). */
  after?: number;
  signal?: AbortSignal;
  /** Called on each reconnect, with the seq it resumes after (for logs and progress lines). */
  onReconnect?: (afterSeq: number, cause: unknown) => void;
}

export async function* streamJobEvents(http: HttpTransport, jobId: string, maxRetries: number, o: StreamOptions = {}): AsyncGenerator<JobEvent> {
  let lastSeq = o.after ?? -1;
  // Consecutive failed connections; a connection that delivered anything resets it.
  let failures = 0;
  let serverRetryMs: number | undefined;
  for (;;) {
    let progressed = false;
    let cause: unknown;
    try {
      const { response } = await http.call({
        path: `/jobs/${encodeURIComponent(jobId)}/events`,
        headers: { accept: 'text/event-stream', ...(lastSeq >= 0 ? { 'last-event-id': String(lastSeq) } : {}) },
        signal: o.signal,
        headersOnly: true,
      });
      if (!response.body) throw new CodexJobsError({ code: 'invalid_response', message: 'the event stream has no body' });
      for await (const msg of readSse(response.body, (ms) => (serverRetryMs = ms))) {
        if (msg.event === 'end') {
          streamEndSchema.parse(JSON.parse(msg.data));
          return;
        }
        const event = jobEventSchema.parse(JSON.parse(msg.data));
        progressed = true;
        if (event.seq <= lastSeq) continue;
        lastSeq = event.seq;
        yield event;
      }
      cause = new Error('the event stream ended before the job did');
    } catch (err) {
      if (o.signal?.aborted) throw aborted(o.signal.reason, null);
      // HTTP errors other than retryable ones (404, 401…) end the stream: reconnecting will not help.
      if (err instanceof CodexJobsError && !['network', 'timeout', 'unavailable', 'internal', 'rate_limited'].includes(err.code)) throw err;
      cause = err;
    }
    failures = progressed ? 0 : failures + 1;
    if (failures > Math.max(maxRetries, 1)) {
      throw cause instanceof CodexJobsError ? cause : new CodexJobsError({ code: 'network', message: `the event stream of job ${jobId} kept failing: ${(cause as Error).message}`, cause });
    }
    o.onReconnect?.(lastSeq, cause);
    await sleep(progressed ? 0 : (serverRetryMs ?? retryDelayMs(failures - 1, undefined)), o.signal).catch((reason: unknown) => {
      throw aborted(reason, null);
    });
  }
}
