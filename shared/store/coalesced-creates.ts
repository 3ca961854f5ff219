// Document creates issued in the same turn of the event loop go to Firestore in one BatchWrite call
// (a BulkWriter per turn) instead of one Commit each: under concurrency the client's per-call cost
// dominated POST /jobs (bench/enqueue-bench.ts). BatchWrite is not atomic: every create keeps its own
// precondition and its own outcome (an existing document is still ALREADY_EXISTS, code 6). Nothing is
// retried here, as with a single commit: the caller decides what a failure means.
import type { BulkWriter, DocumentData, DocumentReference, Firestore } from '@google-cloud/firestore';

export class CoalescedCreates {
  private writer: BulkWriter | null = null;

  constructor(private readonly db: Firestore) {}

  create(ref: DocumentReference, data: DocumentData): Promise<void> {
    if (!this.writer) {
      const writer = this.db.bulkWriter({ throttling: false });
      writer.onWriteError(() => false);
      this.writer = writer;
      // Closed once this turn's creates are in: it sends them, and an open writer would block terminate().
      setImmediate(() => {
        this.writer = null;
        writer.close().catch(() => undefined);
      });
    }
    return this.writer.create(ref, data).then(() => undefined);
  }
}
