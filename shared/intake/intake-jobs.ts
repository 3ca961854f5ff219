// How storage-trigger and scheduler create their jobs: idempotent create-if-absent under a derived
// job_id, then the message for a queued job; a job born failed (a bad upload) gets its one result
// message instead, so it reaches codex-results like every terminal job.
import type { Config } from '../config.js';
import type { Firestore } from '@google-cloud/firestore';
import { intakeQuotaRefusal } from '../usage/intake-quota.js';
import { failedJobDocument, newJobDocument, type JobDocument, type JobSpec } from '../jobs/job-document.js';
import { messageFromJob } from '../jobs/job-message.js';
import type { Logger } from '../logging.js';
import { publishResultOnce } from '../processor/publish-result.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { JobStore } from '../store/job-store.js';
import { inIntakeSpan } from '../telemetry/intake-span.js';
import { jobLogFields } from '../telemetry/trace-context.js';

export interface IntakeDeps {
  config: Config;
  store: JobStore;
  queue: JobQueue;
  log: Logger;
  /** Where the owners' usage is counted (QUOTAS); without it, intake jobs are not held to quotas. */
  quotaDb?: Firestore;
}

export interface IntakeOutcome {
  job: JobDocument;
  created: boolean;
}

/** Creates the queued job (or finds the one a previous delivery made) and publishes it while queued. */
export async function submitIntakeJob(deps: IntakeDeps, untraced: JobSpec): Promise<IntakeOutcome> {
  return inIntakeSpan(untraced, (spec) => submitTraced(deps, spec));
}

async function submitTraced(deps: IntakeDeps, spec: JobSpec): Promise<IntakeOutcome> {
  const refusal = await intakeQuotaRefusal(deps.quotaDb, deps.config.QUOTAS, deps.store, spec);
  if (refusal) return recordRejectedJob(deps, spec, refusal);
  const { created, job } = await deps.store.create(newJobDocument(spec, deps.config.JOB_TTL_DAYS));
  // A redelivery after a failed publish must publish again; a duplicate message is harmless (the
  // processor's claim makes it a no-op).
  if (job.status === 'queued') await deps.queue.publishJob(messageFromJob(job));
  deps.log.info(created ? 'job queued' : 'job already exists for this event', { job_id: job.job_id, source: spec.source, source_ref: spec.source_ref, status: job.status, priority: job.priority, ...jobLogFields(deps.config.GOOGLE_CLOUD_PROJECT, job) });
  return { created, job };
}

/** Records a job that cannot run (bad file, bad schedule payload) as failed with bad_request. */
export async function recordRejectedJob(deps: IntakeDeps, untraced: JobSpec, message: string): Promise<IntakeOutcome> {
  return inIntakeSpan(untraced, (spec) => rejectTraced(deps, spec, message));
}

async function rejectTraced(deps: IntakeDeps, spec: JobSpec, message: string): Promise<IntakeOutcome> {
  const { created, job } = await deps.store.create(failedJobDocument(spec, { code: 'bad_request', message }, deps.config.JOB_TTL_DAYS));
  if (job.status === 'failed' || job.status === 'completed' || job.status === 'cancelled') await publishResultOnce(deps.store, deps.queue, job);
  deps.log.warn('job rejected as bad_request', { job_id: job.job_id, source: spec.source, source_ref: spec.source_ref, reason: message, ...jobLogFields(deps.config.GOOGLE_CLOUD_PROJECT, job) });
  return { created, job };
}
