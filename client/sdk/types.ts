// The SDK's types, all inferred from the shared/jobs zod schemas (never written twice).
import type { z } from 'zod';
// A job as the API shows it (PublicJob: without the internal sealed environment secrets).
import type { PublicJob as JobDocument, JobEvent } from '../../shared/jobs/job-document.js';
import type { JobRequestInput } from '../../shared/jobs/job-request.js';
import type { listResponseSchema, outputFileSchema, queueStatsSchema, healthSchema } from '../../shared/jobs/api-responses.js';

export type { JobDocument, JobEvent, JobRequestInput };
export type { JobStatus } from '../../shared/jobs/job-status.js';
export type { SubmitResponse, QueueStats, UploadCreated, UploadReceived, JobSummary } from '../../shared/jobs/api-responses.js';
export type JobListPage = z.infer<typeof listResponseSchema>;
export type OutputFile = z.infer<typeof outputFileSchema>;
export type Health = z.infer<typeof healthSchema>;
export type QueueStatsResponse = z.infer<typeof queueStatsSchema>;
/** GET /usage: days, totals and quotas (shared/usage/usage-report.ts). */
export type { UsageReport } from '../../shared/usage/usage-report.js';
export interface UsageParams {
  /** First UTC day, YYYY-MM-DD (default: 29 days before `to`). */
  from?: string;
  /** Last UTC day, included (default: today). */
  to?: string;
  /** Admins: a key name, or * for every owner. */
  owner?: string;
  signal?: AbortSignal;
}
/** result.changes of a finished job (see Workspaces); read from the schema once it has the field. */
export type JobChanges = NonNullable<JobDocument['result']> extends { changes?: infer C } ? NonNullable<C> : Record<string, unknown>;
/** JobRequest `workspace`; the fallback holds only until the schema has the field. */
export type WorkspaceRequest = JobRequestInput extends { workspace?: infer W }
  ? NonNullable<W>
  : { upload_id: string } | { git: { url: string; ref?: string; depth?: number } };
/** The body of jobs.create: a JobRequest. */
export type JobCreateRequest = JobRequestInput & { workspace?: WorkspaceRequest };

export interface ListParams {
  status?: JobDocument['status'];
  priority?: JobDocument['priority'];
  source?: JobDocument['source'];
  /** Page size (1..100). */
  limit?: number;
  cursor?: string;
  signal?: AbortSignal;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface CreateOptions extends CallOptions {
  /** Default: a new UUID, made once per call and sent on each of its retries. */
  idempotencyKey?: string;
}
