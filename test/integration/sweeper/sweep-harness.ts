// The sweeper against the emulators: the real Firestore recovery store and Pub/Sub queue of a
// processor harness's project, with the lanes' topics collected so republished messages can be read
// and delivered to the real processor.
import { randomUUID } from 'node:crypto';
import { after, before } from 'node:test';
import { FirestoreRecoveryStore } from '../../../shared/store/firestore-recovery-store.js';
import type { PubSubMessage } from '../../../shared/pubsub/pubsub-message.js';
import { runSweep, type SweepDeps, type SweepReport } from '../../../shared/sweeper/run-sweep.js';
import { createLogger } from '../../../shared/logging.js';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';
import { collectTopic, eventually } from '../../support/test-env.js';

export interface SweepHarness {
  lane: Awaited<ReturnType<typeof collectTopic>>;
  recovery: FirestoreRecoveryStore;
  sweep(now?: Date): Promise<SweepReport>;
  /** The next message on the normal lane for the job, as a push delivery. */
  republished(jobId: string, nth?: number): Promise<PubSubMessage>;
  close(): Promise<void>;
}

/** Registers before/after hooks: the file's processor harness and a sweep harness on its project, handed to `ready`. */
export function sweepHarnessPerFile(ready: (h: ProcessorHarness, s: SweepHarness) => void): void {
  let h: ProcessorHarness | undefined;
  let s: SweepHarness | undefined;
  before(async () => {
    h = await processorHarness();
    s = await sweepHarness(h);
    ready(h, s);
  });
  after(async () => {
    await s?.close();
    await h?.close();
  });
}

export async function sweepHarness(h: ProcessorHarness): Promise<SweepHarness> {
  const lane = await collectTopic(h.env.pubsub, h.env.config.JOBS_TOPIC);
  const recovery = new FirestoreRecoveryStore(h.env.firestore);
  const deps = (now?: Date): SweepDeps => ({
    recovery,
    store: h.deps.store,
    queue: h.deps.queue,
    config: h.env.config,
    log: createLogger('ERROR'),
    ...(now ? { now: () => now } : {}),
  });
  return {
    lane,
    recovery,
    sweep: (now) => runSweep(deps(now)),
    async republished(jobId, nth = 1) {
      const found = await eventually(() => {
        const mine = lane.messages.filter((m) => m.attributes.job_id === jobId);
        return mine.length >= nth ? mine[nth - 1] : undefined;
      }, `message ${nth} of job ${jobId} on ${h.env.config.JOBS_TOPIC}`);
      return { messageId: randomUUID(), data: Buffer.from(JSON.stringify(found.data)), attributes: found.attributes };
    },
    close: () => lane.stop(),
  };
}
