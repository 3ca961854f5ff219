// Job events, batched: Codex can emit many items a second, so events are buffered and written in
// one batch per flush instead of one write each. seq grows monotonically across attempts (see eventSeqBase).
// With a fence, each batch commits only while this run holds the job: a run that lost it (even one
// frozen and resumed after the takeover) adds no event; a refused batch discards the rest.
import type { Logger } from '../logging.js';
import type { JobEvent } from '../jobs/job-document.js';
import { NotHolderError, type HolderFence, type JobStore } from '../store/job-store.js';
import { boundedEventData } from './event-limits.js';

/** Seqs per attempt: attempt n numbers its events from (n-1)·10^6, so a takeover continues above the
 *  previous attempt's events without a query for the last one on the job's critical path. */
export const EVENTS_PER_ATTEMPT = 1_000_000;

export function eventSeqBase(attempt: number): number {
  return Math.max(0, attempt - 1) * EVENTS_PER_ATTEMPT;
}

export class EventSink {
  private buffer: JobEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private discarded = false;
  private redact: (data: Record<string, unknown>) => Record<string, unknown> = (d) => d;

  constructor(
    private readonly store: JobStore,
    private readonly jobId: string,
    private nextSeq: number,
    private readonly log: Logger,
    private readonly flushMs = 250,
    private readonly maxBatch = 100,
    private readonly fence?: HolderFence,
  ) {}

  /** Every event pushed from now on passes through this first (an environment's secrets become ***). */
  redactWith(redact: (data: Record<string, unknown>) => Record<string, unknown>): void {
    this.redact = redact;
  }

  push(type: string, data: Record<string, unknown>): void {
    if (this.discarded) return;
    this.buffer.push({ seq: this.nextSeq++, type, at: new Date().toISOString(), data: boundedEventData(this.redact(data)) });
    if (this.buffer.length >= this.maxBatch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.flushMs);
  }

  /** Drops what is buffered and everything pushed later (a run that lost its lease records nothing more). */
  discard(): null {
    this.discarded = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.buffer = [];
    return null;
  }

  /** Writes what is buffered; resolves when every event pushed so far is stored (or given up on). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length === 0) return this.writing;
    this.writing = this.writing.then(async () => {
      if (this.discarded) return;
      try {
        await this.store.appendEvents(this.jobId, batch, this.fence);
      } catch (err) {
        if (err instanceof NotHolderError) return void this.discard();
        try {
          await this.store.appendEvents(this.jobId, batch, this.fence); // one retry: events are the job's audit trail
        } catch (again) {
          if (again instanceof NotHolderError) return void this.discard();
          this.log.error('could not store job events', { job_id: this.jobId, count: batch.length, error: err as Error });
        }
      }
    });
    return this.writing;
  }
}
