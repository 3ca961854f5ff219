// What the benchmarks that run the processor in-process (processor, teardown, worker) stand on: the
// emulators, a scripted model, a fresh project with the outputs and results buckets and the
// codex-results topic, and the processor's deps on them. `close()` ends all of it.
import { randomUUID } from 'node:crypto';
import { PubSub } from '@google-cloud/pubsub';
import { startEmulators } from '../dev/emulator-set.js';
import { startScriptedModel, type ScriptedModel } from '../dev/scripted-model.js';
import { emulatorAwareStorage } from '../shared/clients.js';
import { parseConfig, type Config } from '../shared/config.js';
import { newJobDocument, specFromRequest, type JobDocument } from '../shared/jobs/job-document.js';
import { messageFromJob } from '../shared/jobs/job-message.js';
import { jobRequestSchema } from '../shared/jobs/job-request.js';
import { createLogger } from '../shared/logging.js';
import { processorDeps } from '../shared/processor/processor-http.js';
import type { ProcessorDeps } from '../shared/processor/run-claimed-job.js';
import type { PubSubMessage } from '../shared/pubsub/pubsub-message.js';

export interface BenchProcessor {
  config: Config;
  model: ScriptedModel;
  pubsub: PubSub;
  deps: ProcessorDeps;
  /** A new normal-lane job of owner `bench`, created in the store, and the push message that delivers it. */
  submit(prompt: string, timeoutMs: number): Promise<{ job: JobDocument; message: PubSubMessage }>;
  close(): Promise<void>;
}

/** `env` adds to (or overrides) the benchmark's configuration. */
export async function startBenchProcessor(env: Record<string, string> = {}): Promise<BenchProcessor> {
  const emulators = await startEmulators((l) => console.log(l));
  Object.assign(process.env, emulators.env);
  const model = await startScriptedModel();
  const project = `bench-${randomUUID().slice(0, 8)}`;
  const config = parseConfig({ ...process.env, GOOGLE_CLOUD_PROJECT: project, CODEX_PROVIDER_BASE_URL: model.url, OPENAI_API_KEY: 'bench', CODEX_MODEL: 'bench', LOG_LEVEL: 'ERROR', ...env });
  const storage = emulatorAwareStorage(project);
  for (const b of [config.OUTPUTS_BUCKET, config.RESULTS_BUCKET]) await storage.createBucket(b);
  const pubsub = new PubSub({ projectId: project });
  await pubsub.createTopic(config.RESULTS_TOPIC);
  const deps = { ...processorDeps(config), log: createLogger('ERROR') };
  return {
    config,
    model,
    pubsub,
    deps,
    submit: async (prompt, timeoutMs) => {
      const job = newJobDocument(specFromRequest(jobRequestSchema().parse({ prompt, timeout_ms: timeoutMs }), { job_id: randomUUID(), owner: 'bench', source: 'http', source_ref: null, lane: 'normal' }), 30);
      await deps.store.create(job);
      return { job, message: { messageId: randomUUID(), data: Buffer.from(JSON.stringify(messageFromJob(job))), attributes: { job_id: job.job_id } } };
    },
    close: async () => {
      await deps.close?.();
      await pubsub.close();
      await model.close();
      await emulators.stop();
    },
  };
}
