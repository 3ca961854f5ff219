// The processor in-process against the emulators, the real codex binary and a scripted model:
// submit a job (document + message), deliver its message as Pub/Sub would, and watch the results.
import { randomUUID } from 'node:crypto';
import { startScriptedModel, type ModelReply, type ModelRequest, type ScriptedModel } from '../../dev/scripted-model.js';
import { newJobDocument, specFromRequest, type JobDocument, type ResolvedEnvironment } from '../../shared/jobs/job-document.js';
import { newJobId } from '../../shared/jobs/job-id.js';
import { messageFromJob } from '../../shared/jobs/job-message.js';
import { jobRequestSchema, type JobRequestInput } from '../../shared/jobs/job-request.js';
import { laneFor, timeoutLimits } from '../../shared/jobs/job-lane.js';
import type { PubSubMessage } from '../../shared/pubsub/pubsub-message.js';
import { handleJobMessage, type DeliveryVerdict } from '../../shared/processor/handle-job-message.js';
import { processorDeps } from '../../shared/processor/processor-http.js';
import type { ProcessorDeps } from '../../shared/processor/run-claimed-job.js';
import { collectTopic, testEnv, type TestEnv } from './test-env.js';
import { waitForJob } from './wait-for-job.js';

export interface ProcessorHarness {
  env: TestEnv;
  model: ScriptedModel;
  deps: ProcessorDeps;
  results: Awaited<ReturnType<typeof collectTopic>>;
  /** Builds a queued job; writes its document unless `writeDocument` is false. */
  submit(request: JobRequestInput, options?: { writeDocument?: boolean; owner?: string; createdAt?: string; environment?: ResolvedEnvironment | null }): Promise<{ job: JobDocument; message: PubSubMessage }>;
  deliver(message: PubSubMessage, deps?: ProcessorDeps): Promise<DeliveryVerdict>;
  /** A second processor instance (another lease holder) on the same emulators. */
  otherProcessor(): ProcessorDeps;
  waitForJob(jobId: string, predicate?: (job: JobDocument) => boolean): Promise<JobDocument>;
  modelRequestsFor(marker: string): ModelRequest[];
  close(): Promise<void>;
}

export function pushMessage(job: JobDocument, extraAttributes: Record<string, string> = {}): PubSubMessage {
  return {
    messageId: randomUUID(),
    data: Buffer.from(JSON.stringify(messageFromJob(job))),
    attributes: { job_id: job.job_id, priority: job.priority, source: job.source, ...extraAttributes },
  };
}

export async function processorHarness(overrides: Record<string, string> = {}, reply?: (r: ModelRequest) => ModelReply | Promise<ModelReply>): Promise<ProcessorHarness> {
  const model = await startScriptedModel(reply ? { reply } : {});
  const env = await testEnv({ CODEX_PROVIDER_BASE_URL: model.url, OPENAI_API_KEY: 'scripted-model-key', CODEX_MODEL: 'scripted', ...overrides });
  const deps = processorDeps(env.config);
  const results = await collectTopic(env.pubsub, env.config.RESULTS_TOPIC);
  const others: ProcessorDeps[] = [];
  return {
    env,
    model,
    deps,
    results,
    async submit(request, options = {}) {
      const parsed = jobRequestSchema(timeoutLimits(env.config)).parse(request);
      const job = newJobDocument(specFromRequest(parsed, { job_id: newJobId(), owner: options.owner ?? 'alice', source: 'http', source_ref: null, lane: laneFor(parsed, env.config), ...(options.createdAt ? { created_at: options.createdAt } : {}), ...(options.environment !== undefined ? { environment: options.environment } : {}) }), env.config.JOB_TTL_DAYS);
      if (options.writeDocument !== false) await deps.store.create(job);
      return { job, message: pushMessage(job) };
    },
    deliver: (message, d = deps) => handleJobMessage(d, message),
    otherProcessor() {
      const d = processorDeps(env.config);
      others.push(d);
      return d;
    },
    waitForJob: (jobId, predicate) => waitForJob(env.firestore, jobId, predicate),
    modelRequestsFor: (marker) => model.requests.filter((r) => r.prompt.includes(marker)),
    async close() {
      await results.stop();
      for (const d of [deps, ...others]) await d.close?.();
      await env.close();
      await model.close();
    },
  };
}
