// POST /jobs (alias POST /enqueue): validate, write the document and publish the message at once.
// Idempotency-Key makes a retry return the first job; ?wait=N waits for the job to end.
import { newJobDocument, specFromRequest, type JobDocument } from '../../jobs/job-document.js';
import { newJobId } from '../../jobs/job-id.js';
import { messageFromJob } from '../../jobs/job-message.js';
import { describeIssues, jobRequestSchema } from '../../jobs/job-request.js';
import { laneFor, timeoutLimits } from '../../jobs/job-lane.js';
import { isTerminal } from '../../jobs/job-status.js';
import { JOBS_COLLECTION } from '../../store/firestore-job-store.js';
import { ApiError } from '../api-error.js';
import { submitQuerySchema, type SubmitResponse } from '../api-schemas.js';
import { checkCallbackUrl } from '../callback-check.js';
import { bodyHash, claimIdempotencyKey, parseIdempotencyKey, releaseIdempotencyKey } from '../idempotency.js';
import { clientGone, waitForJob } from '../job-wait.js';
import { queryOf } from '../query.js';
import { jsonBody } from '../request-body.js';
import type { Route, RouteContext } from '../router.js';
import { checkWorkspace } from '../workspace-check.js';

export function jobLinks(baseUrl: string, jobId: string) {
  return { status_url: `${baseUrl}/jobs/${jobId}`, events_url: `${baseUrl}/jobs/${jobId}/events` };
}

export function submitResponse(ctx: RouteContext, job: Pick<JobDocument, 'job_id' | 'status' | 'created_at' | 'timeout_ms'>, message: string): SubmitResponse {
  return {
    job_id: job.job_id,
    status: job.status,
    message,
    estimated_completion: new Date(Date.parse(job.created_at) + job.timeout_ms).toISOString(),
    ...jobLinks(ctx.baseUrl, job.job_id),
  };
}

/** Writes the document and publishes the message concurrently; the processor copes with either arriving first. */
export async function queueJob(ctx: RouteContext, job: JobDocument): Promise<void> {
  const { deps } = ctx;
  const [created, published] = await Promise.allSettled([deps.store.create(job), deps.queue.publishJob(messageFromJob(job))]);
  if (created.status === 'fulfilled' && published.status === 'fulfilled') return;
  const reason = (created.status === 'rejected' ? created.reason : (published as PromiseRejectedResult).reason) as Error;
  ctx.log.error('could not queue the job', { job_id: job.job_id, error: reason, firestore: created.status, pubsub: published.status });
  // A document without a message would stay queued for ever: remove it, so a retry starts clean.
  if (published.status === 'rejected') await deps.firestore.collection(JOBS_COLLECTION).doc(job.job_id).delete().catch(() => undefined);
  throw new ApiError('unavailable', 'the job could not be queued; retry shortly', undefined, { 'retry-after': '1' });
}

async function submitJob(ctx: RouteContext): Promise<void> {
  const { deps, req, caller } = ctx;
  const body = jsonBody(req);
  const query = submitQuerySchema.safeParse(queryOf(req));
  const parsed = jobRequestSchema(timeoutLimits(deps.config)).safeParse(body);
  const details = [...(parsed.success ? [] : describeIssues(parsed.error)), ...(query.success ? [] : describeIssues(query.error).map((d) => ({ ...d, field: `query.${d.field}` })))];
  if (!parsed.success || !query.success) throw new ApiError('bad_request', `invalid job request: ${details.map((d) => d.message).join('; ')}`, details);
  const request = parsed.data;
  if (request.callback_url) await checkCallbackUrl(deps, request.callback_url);
  if (request.workspace) await checkWorkspace(deps, caller.name, request.workspace);
  const idempotencyKey = parseIdempotencyKey(req.header('idempotency-key'));
  const waitSeconds = query.data.wait ?? 0;

  // Admitted at once far below the limit (the count is written alongside); near it, after the decision.
  await ctx.admit();

  let jobId = newJobId();
  if (idempotencyKey) {
    const claim = await claimIdempotencyKey(deps.firestore, caller.name, idempotencyKey, bodyHash(body), jobId);
    if (claim.kind === 'conflict') {
      throw new ApiError('conflict', `Idempotency-Key was already used with a different body (job ${claim.jobId})`, [{ field: 'Idempotency-Key', message: 'reused with a different body' }]);
    }
    if (claim.kind === 'replay') return replay(ctx, claim.jobId, request, waitSeconds);
    jobId = claim.jobId;
  }

  const job = newJobDocument(specFromRequest(request, { job_id: jobId, owner: caller.name, source: 'http', source_ref: null, lane: laneFor(request, deps.config) }), deps.config.JOB_TTL_DAYS);
  try {
    await queueJob(ctx, job);
  } catch (err) {
    if (idempotencyKey) await releaseIdempotencyKey(deps.firestore, caller.name, idempotencyKey, jobId).catch(() => undefined);
    throw err;
  }
  ctx.log.info('job queued', { job_id: jobId, owner: caller.name, priority: job.priority, source: 'http', lane: job.lane });
  await answer(ctx, job, 202, 'job queued', waitSeconds);
}

/** The same key and body again: answer with the job the first request made (creating it if that request died before). */
async function replay(ctx: RouteContext, jobId: string, request: Parameters<typeof specFromRequest>[0], waitSeconds: number): Promise<void> {
  const { deps, caller } = ctx;
  let job = (await deps.store.get(jobId)) ?? (await waitForJob(deps.store, jobId, () => true, deps.tuning.replayWaitMs, clientGone(ctx.res)));
  if (!job) {
    // The first request claimed the key but never wrote its job: queue it now under the claimed id.
    const fresh = newJobDocument(specFromRequest(request, { job_id: jobId, owner: caller.name, source: 'http', source_ref: null, lane: laneFor(request, deps.config) }), deps.config.JOB_TTL_DAYS);
    await queueJob(ctx, fresh);
    job = fresh;
  }
  ctx.log.info('idempotent replay', { job_id: jobId, owner: caller.name });
  await answer(ctx, job, 200, 'existing job for this Idempotency-Key', waitSeconds);
}

export async function answer(ctx: RouteContext, job: JobDocument, status: 200 | 202, message: string, waitSeconds: number): Promise<void> {
  if (waitSeconds > 0 && !isTerminal(job.status)) {
    const ended = await waitForJob(ctx.deps.store, job.job_id, (j) => isTerminal(j.status), waitSeconds * 1000, clientGone(ctx.res));
    if (ended) return void ctx.res.status(200).json(ended);
  } else if (waitSeconds > 0) {
    return void ctx.res.status(200).json(job);
  }
  ctx.res.set({ location: jobLinks(ctx.baseUrl, job.job_id).status_url }).status(status).json(submitResponse(ctx, job, message));
}

export const submitJobRoutes: Route[] = [
  { method: 'POST', path: '/jobs', handle: submitJob },
  { method: 'POST', path: '/enqueue', handle: submitJob },
];
