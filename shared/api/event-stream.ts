// Server-Sent Events of jobs/{id}/events: every event after a seq, then live (onSnapshot on the
// subcollection) until the job is terminal; then the events written before the end, `event: end`,
// and the stream closes. A comment line every heartbeat interval keeps proxies from closing it.
import type { Firestore } from '@google-cloud/firestore';
import type { JobEvent } from '../jobs/job-document.js';
import { isTerminal } from '../jobs/job-status.js';
import type { JobStore } from '../store/job-store.js';
import { EVENTS_COLLECTION, JOBS_COLLECTION } from '../store/firestore-job-store.js';

export interface EventSink {
  write(chunk: string): unknown;
  end(): unknown;
  once(event: 'close', cb: () => void): unknown;
}

export interface StreamOptions {
  db: Firestore;
  store: JobStore;
  jobId: string;
  afterSeq: number;
  heartbeatMs: number;
  onError(err: Error): void;
}

const PAGE = 500;

export function sseEvent(event: JobEvent): string {
  return `id: ${event.seq}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** Streams until the job ends or the client goes away; resolves when the stream is over. */
export function streamJobEvents(sink: EventSink, o: StreamOptions): Promise<void> {
  return new Promise((resolve) => {
    let lastSeq = o.afterSeq;
    let closed = false;
    let ending = false;
    // Writes happen one at a time, in seq order, whichever listener delivers first.
    let queue: Promise<void> = Promise.resolve();
    const stops: Array<() => void> = [];

    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      for (const stop of stops) stop();
      resolve();
    };
    const emit = (events: JobEvent[]) => {
      for (const event of events.sort((a, b) => a.seq - b.seq)) {
        if (closed || event.seq <= lastSeq) continue;
        sink.write(sseEvent(event));
        lastSeq = event.seq;
      }
    };
    const serial = (step: () => Promise<void> | void) => {
      queue = queue.then(step).catch((err: Error) => {
        o.onError(err);
        sink.end();
        close();
      });
    };

    const heartbeat = setInterval(() => sink.write(`: heartbeat ${new Date().toISOString()}\n\n`), o.heartbeatMs);
    sink.once('close', close);

    const events = o.db.collection(JOBS_COLLECTION).doc(o.jobId).collection(EVENTS_COLLECTION);
    stops.push(
      events
        .where('seq', '>', o.afterSeq)
        .orderBy('seq')
        .onSnapshot(
          (snap) => {
            const added = snap.docChanges().filter((c) => c.type === 'added').map((c) => c.doc.data() as JobEvent);
            serial(() => emit(added));
          },
          (err) => serial(() => Promise.reject(err)),
        ),
    );
    stops.push(
      o.store.watch(o.jobId, (job) => {
        if (!isTerminal(job.status) || ending) return;
        ending = true;
        serial(async () => {
          // Events the processor wrote before ending the job may not have reached the listener yet: read them.
          for (;;) {
            const rest = await o.store.listEvents(o.jobId, lastSeq, PAGE);
            emit(rest);
            if (rest.length < PAGE || closed) break;
          }
          if (closed) return;
          sink.write(`event: end\ndata: ${JSON.stringify({ job_id: o.jobId, status: job.status, last_seq: lastSeq })}\n\n`);
          sink.end();
          close();
        });
      }),
    );
  });
}
