// Server-Sent Events of jobs/{id}/events: every event after a seq, then live until the job is
// terminal; then the events written before the end, `event: end`, and the stream closes.
// - Memory stays bounded: events are read in pages of PAGE from the store, each page written out
//   before the next is read. The listeners only wake the reader: one watches the newest event (a
//   single document), the other the job document. Nothing keeps the history.
// - Writes respect backpressure: when the socket's buffer is full the reader waits for `drain`
//   (heartbeats are skipped meanwhile), so a slow client slows its own stream, not the instance.
// - A stream lives at most maxLifeMs; then the server ends it and the client reconnects with
//   Last-Event-ID (the `retry:` the route sends tells EventSource how soon).
import type { Firestore } from '@google-cloud/firestore';
import type { JobEvent } from '../jobs/job-document.js';
import { isTerminal } from '../jobs/job-status.js';
import type { JobStore } from '../store/job-store.js';
import { EVENTS_COLLECTION, JOBS_COLLECTION } from '../store/firestore-job-store.js';

export interface EventSink {
  /** false: the buffer is full, wait for `drain`. */
  write(chunk: string): boolean;
  end(): unknown;
  destroy?(): unknown;
  once(event: 'close' | 'drain', cb: () => void): unknown;
  removeListener(event: 'close' | 'drain', cb: () => void): unknown;
}

export interface StreamOptions {
  db: Firestore;
  store: JobStore;
  jobId: string;
  afterSeq: number;
  heartbeatMs: number;
  /** The longest a stream stays open; the client then resumes with Last-Event-ID. */
  maxLifeMs: number;
  onError(err: Error): void;
}

const PAGE = 100;

export function sseEvent(event: JobEvent): string {
  return `id: ${event.seq}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** Streams until the job ends, the stream's life is over or the client goes away; resolves when it is over. */
export function streamJobEvents(sink: EventSink, o: StreamOptions): Promise<void> {
  return new Promise((resolve) => {
    let lastSeq = o.afterSeq;
    let closed = false;
    let blocked = false;
    let dirty = true;
    let terminalStatus: string | undefined;
    let wake: (() => void) | undefined;
    const stops: Array<() => void> = [];

    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      clearTimeout(life);
      for (const stop of stops) stop();
      wake?.();
      resolve();
    };
    const signal = () => {
      dirty = true;
      wake?.();
    };
    const write = async (text: string) => {
      if (sink.write(text)) return;
      blocked = true;
      await new Promise<void>((done) => {
        const settle = () => {
          sink.removeListener('drain', settle);
          sink.removeListener('close', settle);
          done();
        };
        sink.once('drain', settle);
        sink.once('close', settle);
      });
      blocked = false;
    };
    const fail = (err: Error) => {
      if (closed) return;
      o.onError(err);
      sink.end();
      close();
    };

    const heartbeat = setInterval(() => {
      if (!blocked) sink.write(`: heartbeat ${new Date().toISOString()}\n\n`);
    }, o.heartbeatMs);
    const life = setTimeout(() => {
      if (!blocked) sink.write(`: this stream has been open ${o.maxLifeMs} ms; reconnect with Last-Event-ID: ${lastSeq}\n\n`);
      sink.end();
      // A client that reads nothing would keep the socket for ever: cut it.
      if (blocked) sink.destroy?.();
      close();
    }, o.maxLifeMs);
    sink.once('close', close);

    const events = o.db.collection(JOBS_COLLECTION).doc(o.jobId).collection(EVENTS_COLLECTION);
    stops.push(events.orderBy('seq', 'desc').limit(1).onSnapshot(signal, fail));
    stops.push(
      o.store.watch(o.jobId, (job) => {
        if (!isTerminal(job.status) || terminalStatus) return;
        terminalStatus = job.status;
        signal();
      }),
    );

    void (async () => {
      while (!closed) {
        if (!dirty) {
          await new Promise<void>((r) => (wake = r));
          wake = undefined;
          continue;
        }
        dirty = false;
        // Seen before the read: the processor writes a job's events before it ends the job.
        const ending = terminalStatus;
        for (;;) {
          const page = await o.store.listEvents(o.jobId, lastSeq, PAGE);
          for (const event of page) {
            if (closed) return;
            await write(sseEvent(event));
            lastSeq = event.seq;
          }
          if (page.length < PAGE || closed) break;
        }
        if (ending && !closed) {
          await write(`event: end\ndata: ${JSON.stringify({ job_id: o.jobId, status: ending, last_seq: lastSeq })}\n\n`);
          sink.end();
          close();
        }
      }
    })().catch(fail);
  });
}
