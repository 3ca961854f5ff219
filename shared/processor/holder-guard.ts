// A run records only while it holds its job. Three fences, from cheap to exact:
// - the run's own flag, set when its lease keeper gives up or a fenced write is refused;
// - check(): a read of the job (processing, this holder, this attempt) before each step that writes;
// - every object goes through AttemptWriter: ordered writes (blobs/ordered-write.ts) keyed by the
//   attempt, so an object of a later attempt is never replaced, even by a write that was already in
//   flight (or frozen) when the takeover happened. Events and progress are fenced in Firestore itself
//   (HolderFence on appendEvents/setProgress), the terminal write by holder and attempt.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { BlobStore } from '../blobs/blob-store.js';
import { attemptOrder, writeUnlessNewer } from '../blobs/ordered-write.js';
import type { HolderFence, JobStore } from '../store/job-store.js';

/** Thrown inside a run that is no longer the job's holder: the run ends, recording nothing. */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

export class HolderGuard {
  private isLost = false;

  constructor(
    private readonly store: Pick<JobStore, 'get'>,
    readonly jobId: string,
    readonly fence: HolderFence,
    private readonly onLost: () => void,
  ) {}

  get lost(): boolean {
    return this.isLost;
  }

  /** The run knows it lost the job (lease keeper, give-back, a refused write): stop it, once. */
  markLost(): void {
    if (this.isLost) return;
    this.isLost = true;
    this.onLost();
  }

  assertHeld(): void {
    if (this.isLost) throw new LeaseLostError(`job ${this.jobId}: this run lost its lease`);
  }

  /** Reads the job: still processing under this holder and attempt, or LeaseLostError. */
  async check(): Promise<void> {
    this.assertHeld();
    const job = await this.store.get(this.jobId);
    if (!job || job.status !== 'processing' || job.lease?.holder !== this.fence.holder || job.attempts !== this.fence.attempt) {
      this.markLost();
      this.assertHeld();
    }
  }
}

/**
 * The object writes of one run, each keyed by `order` (the attempt for a job's objects, the session
 * order for a session's). A write a newer writer already owns is skipped and ends the run as lost.
 */
export class AttemptWriter {
  constructor(
    private readonly blobs: BlobStore,
    private readonly guard: HolderGuard,
    readonly order: string,
  ) {}

  uploadFile(bucket: string, name: string, localPath: string, contentType: string): Promise<void> {
    return this.put(bucket, name, () => createReadStream(localPath), contentType);
  }

  writeJson(bucket: string, name: string, value: unknown): Promise<void> {
    const body = Buffer.from(JSON.stringify(value, null, 2));
    return this.put(bucket, name, () => Readable.from([body]), 'application/json');
  }

  /** `open` gives the source again for each try (a precondition lost to a racing write is retried). */
  async put(bucket: string, name: string, open: () => Readable, contentType: string): Promise<void> {
    this.guard.assertHeld();
    // A first attempt's objects are new: written "only if absent" at once (a later attempt's make that fail, then the read decides).
    if (await writeUnlessNewer(this.blobs, bucket, name, this.order, open, contentType, { expectAbsent: this.order === attemptOrder(1) })) return;
    this.guard.markLost();
    throw new LeaseLostError(`gs://${bucket}/${name} belongs to a later run of the job`);
  }
}
