// The processor's entry: one Pub/Sub delivery of a job message. Validates it, claims the job in a
// transaction and runs it. Deliveries are at least once: a duplicate never runs the job twice; one
// under a live lease is kept (asked for again later) so the job survives its holder's death.
import { jobMessageSchema, type JobMessage } from '../jobs/job-message.js';
import type { Logger } from '../logging.js';
import type { JobStages } from '../telemetry/job-stages.js';
import { inJobProcessSpan } from '../telemetry/job-process-span.js';
import { DEAD_LETTER_ATTRIBUTE, messageJson, type PubSubMessage } from '../pubsub/pubsub-message.js';
import { publishResultOnce } from './publish-result.js';
import { runClaimedJob, type ProcessorDeps, type RunOptions } from './run-claimed-job.js';
import { failDeadLettered } from './dead-letter.js';
import { waitVerdict } from './wait-verdict.js';
import { startEarlyAppServer } from './early-app-server.js';
import type { PushOutcome } from '../pubsub/push-handler.js';
import { observedRun } from '../telemetry/job-run-observer.js';

export type DeliveryVerdict = PushOutcome;

export async function handleJobMessage(deps: ProcessorDeps, message: PubSubMessage, options: RunOptions = {}): Promise<DeliveryVerdict> {
  const knownId = message.attributes.job_id;
  const log = deps.log.child({ ...(knownId ? { job_id: knownId } : {}), message_id: message.messageId });
  let body: unknown;
  try {
    body = messageJson(message);
  } catch {
    log.error('dropping a job message that is not JSON');
    return { ack: true, reason: 'not JSON' };
  }
  const parsed = jobMessageSchema.safeParse(body);
  if (!parsed.success) {
    const jobId = (body as { job_id?: unknown } | null)?.job_id;
    log.error('dropping a job message that does not match the job schema', {
      ...(typeof jobId === 'string' ? { job_id: jobId } : {}),
      issues: parsed.error.issues.map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`),
    });
    return { ack: true, reason: 'bad schema' };
  }
  const spec = parsed.data;
  // One span per delivery (job.process), in the job's trace carried on the message (trace-context.ts).
  return inJobProcessSpan(deps.config.GOOGLE_CLOUD_PROJECT, message, spec, log, (stages, traced) => handleJob({ ...deps, log: traced }, message, spec, traced, { stages, ...options }));
}

async function handleJob(deps: ProcessorDeps, message: PubSubMessage, spec: JobMessage, log: Logger, options: RunOptions & { stages: JobStages }): Promise<DeliveryVerdict> {
  if (message.attributes[DEAD_LETTER_ATTRIBUTE] !== undefined) {
    return { ack: true, reason: await failDeadLettered(deps, spec, Number(message.attributes[DEAD_LETTER_ATTRIBUTE])) };
  }
  // The job's folders and app-server start while the claim runs; stopped and removed unless it claims.
  const early = startEarlyAppServer(deps, spec);
  let claim;
  try {
    claim = await options.stages.run('job.claim', () => deps.store.claim(spec, {
      holder: deps.holder,
      leaseMs: deps.config.JOB_LEASE_MS,
      maxAttempts: deps.config.MAX_ATTEMPTS,
      ttlDays: deps.config.JOB_TTL_DAYS,
      quotas: deps.config.QUOTAS,
    }));
  } finally {
    if (claim?.outcome !== 'claimed') await early?.discard();
  }
  options.stages.set({ attempt: claim.job.attempts });
  switch (claim.outcome) {
    case 'busy': {
      // Not acked: if the holder dies, this message is what takes the job over. Pub/Sub redelivers it
      // with backoff until the job is terminal (then acked) or its lease ran out (then taken over).
      const retryAfterSeconds = Math.max(1, Math.ceil((Date.parse(claim.job.lease!.expires_at) - Date.now()) / 1000));
      log.info('duplicate delivery of a job running under a live lease; kept for redelivery', { job_id: spec.job_id, holder: claim.job.lease?.holder });
      return { ack: false, reason: 'busy', message: 'the job runs under another holder’s live lease; deliver again later', retryAfterSeconds };
    }
    case 'terminal':
    case 'ended':
      // A result owed and not held by another sender (its publish failed, or nobody reserved it
      // before a crash) goes out now; one still held is left to its holder or the sweeper.
      await publishResultOnce(deps.store, deps.queue, claim.job);
      log.info(`job is ${claim.job.status}; nothing to run`, { job_id: spec.job_id, status: claim.job.status });
      return { ack: true, reason: claim.job.status };
    case 'waiting':
      return waitVerdict(deps, claim.job, claim.wait, log);
    case 'claimed': {
      const done = await observedRun(deps.observer, claim.job, options, () => runClaimedJob(deps, claim.job, { ...options, ...(early ? { early } : {}) }));
      // null: the run lost its lease and stopped itself. The message stays, for whoever holds the job now.
      if (!done) return { ack: false, reason: 'lease-lost', message: 'this run lost the job’s lease and stopped; deliver again' };
      return { ack: true, reason: 'ran' };
    }
  }
}
