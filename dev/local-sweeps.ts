// The local stand-in for the sweeper's Cloud Scheduler job: every SWEEP_INTERVAL_MS it publishes one
// message to SWEEPS_TOPIC (created when missing), which the push subscription of the `sweeper`
// function delivers, as in GCP. Without that subscription the message simply has no reader.
import type { PubSub } from '@google-cloud/pubsub';

export interface LocalSweeps {
  topic: string;
  intervalMs: number;
  /** Publishes a sweep message now, as the timer would; the message id. */
  fire(): Promise<string>;
  /** How many sweep messages went out. */
  published(): number;
  stop(): void;
}

export const DEFAULT_SWEEPS_TOPIC = 'codex-sweeps';

async function ensureTopic(pubsub: PubSub, name: string): Promise<void> {
  const [exists] = await pubsub.topic(name).exists();
  if (exists) return;
  try {
    await pubsub.createTopic(name);
  } catch (err) {
    if ((err as { code?: number }).code !== 6) throw err; // 6 = ALREADY_EXISTS: another creator won
  }
}

export async function startLocalSweeps(opts: { pubsub: PubSub; topic: string; intervalMs: number; log: (line: string) => void }): Promise<LocalSweeps> {
  const { pubsub, topic, intervalMs, log } = opts;
  await ensureTopic(pubsub, topic);
  let count = 0;
  let failing = false;
  let stopped = false;
  // The body Cloud Scheduler sends (terraform: the sweeper job's pubsub_target data).
  const fire = async () => {
    const id = await pubsub.topic(topic).publishMessage({ json: { source: 'local-stack', at: new Date().toISOString() }, attributes: { source: 'local-stack' } });
    count++;
    return id;
  };
  const timer = setInterval(() => {
    fire().then(
      () => {
        if (failing) log(`sweep messages reach ${topic} again`);
        failing = false;
      },
      (err: Error) => {
        if (stopped) return; // a tick in flight while the stack stops
        // Said once per outage, not every period.
        if (!failing) log(`sweep message could not be published to ${topic}: ${err.message}`);
        failing = true;
      },
    );
  }, intervalMs);
  timer.unref();
  return { topic, intervalMs, fire, published: () => count, stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
