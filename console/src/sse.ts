// Server-Sent Events over fetch(): EventSource cannot send the X-API-Key header, so the console
// reads GET /jobs/{id}/events as a stream, parses it (the WHATWG event-stream format), and after
// a drop reconnects with Last-Event-ID = the last seq it saw, so no event is lost or repeated.
import { apiFetch, jobPath } from './api-client.js';
import { SseParser } from './sse-parser.js';

export interface StreamHandlers<E, End> {
  onEvent(event: E): void;
  onEnd(end: End): void;
  /** connected / reconnecting / an error that stops the stream. */
  onState(state: { kind: 'live' } | { kind: 'reconnecting'; inMs: number } | { kind: 'stopped'; message: string }): void;
}

/**
 * Follows a job's events until the stream says `end` or the signal aborts. `afterSeq` is where to
 * start (-1: from the first event). Resolves when it stops.
 */
export async function followJobEvents<E extends { seq: number }, End>(jobId: string, afterSeq: number, h: StreamHandlers<E, End>, signal: AbortSignal): Promise<void> {
  let lastSeq = afterSeq;
  let failures = 0;
  const parser = new SseParser();
  while (!signal.aborted) {
    let ended = false;
    try {
      const res = await apiFetch(jobPath(jobId, '/events'), { headers: { accept: 'text/event-stream', 'last-event-id': String(lastSeq) }, signal });
      if (res.status >= 400 && res.status < 500 && res.status !== 429) {
        h.onState({ kind: 'stopped', message: `the event stream was refused (HTTP ${res.status})` });
        return;
      }
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      h.onState({ kind: 'live' });
      failures = 0;
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const msg of parser.push(value)) {
          if (msg.event === 'end') {
            ended = true;
            h.onEnd(JSON.parse(msg.data) as End);
            continue;
          }
          const event = JSON.parse(msg.data) as E;
          if (event.seq <= lastSeq) continue;
          lastSeq = event.seq;
          h.onEvent(event);
        }
      }
    } catch {
      // A network error or a cut stream: retried below unless the page left.
      if (signal.aborted) return;
      failures++;
    }
    if (ended || signal.aborted) return;
    // The stream dropped before its end: resume after the last seq, backing off on repeated failures.
    const inMs = Math.min(30_000, (parser.retryMs ?? 2000) * 2 ** Math.max(0, failures - 1));
    h.onState({ kind: 'reconnecting', inMs });
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, inMs);
      signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });
  }
}
