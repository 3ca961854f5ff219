// POST /jobs (alias POST /enqueue): validate, write the document, then publish the message (the
// submit guarantee: queue-submitted-job.ts).
// Idempotency-Key makes a retry return the first job; ?wait=N waits for the job to end.
import { newJobDocument, publicJob, specFromRequest, type JobDocument } from '../../jobs/job-document.js';
import { newJobId } from '../../jobs/job-id.js';
import { describeIssues, jobRequestSchema } from '../../jobs/job-request.js';
import { laneFor, timeoutLimits } from '../../jobs/job-lane.js';
import { isTerminal } from '../../jobs/job-status.js';
import { ApiError } from '../api-error.js';
import { submitQuerySchema, type SubmitResponse } from '../api-schemas.js';
import { checkCallbackUrl } from '../callback-check.js';
import { bodyHash, claimIdempotencyKey, parseIdempotencyKey, releaseIdempotencyKey } from '../idempotency.js';
import { clientGone, waitForJob } from '../job-wait.js';
import { queryOf } from '../query.js';
import { queueSubmittedJob, resendIfUnsent, SubmitUnavailable } from '../queue-submitted-job.js';
import { jsonBody } from '../request-body.js';
import type { Route, RouteContext } from '../router.js';
import { checkWorkspace } from '../workspace-check.js';
import { resolveJobEnvironment } from '../job-environment.js';
import type { ResolvedEnvironment } from '../../jobs/job-document.js';
import { checkSubmitQuota } from '../quota-check.js';
import { tracedSubmit } from '../../telemetry/submit-span.js';
import { jobLogFields, withJobTrace } from '../../telemetry/trace-context.js';

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

async function submitJob(ctx: RouteContext): Promise<void> {
  const { deps, req, caller } = ctx;
  const body = jsonBody(req);
  const query = submitQuerySchema.safeParse(queryOf(req));
  const parsed = jobRequestSchema(timeoutLimits(deps.config)).safeParse(body);
  const details = [...(parsed.success ? [] : describeIssues(parsed.error)), ...(query.success ? [] : describeIssues(query.error).map((d) => ({ ...d, field: `query.${d.field}` })))];
  if (!parsed.success || !query.success) throw new ApiError('bad_request', `invalid job request: ${details.map((d) => d.message).join('; ')}`, details);
  const request = parsed.data;
  const idempotencyKey = parseIdempotencyKey(req.header('idempotency-key'));
  const waitSeconds = query.data.wait ?? 0;

  // Admitted at once far below the limit (the count is written alongside); near it, after the decision.
  await ctx.admit();
  // DNS only for an admitted request: a refused caller never makes the API resolve anything.
  if (request.callback_url) await checkCallbackUrl(deps, request.callback_url);
  if (request.workspace) await checkWorkspace(deps, caller.name, request.workspace);
  const environment = await resolveJobEnvironment(deps, caller.name, request);
  await checkSubmitQuota(deps, caller.name);

  let jobId = newJobId();
  if (idempotencyKey) {
    const claim = await claimIdempotencyKey(deps.firestore, caller.name, idempotencyKey, bodyHash(body), jobId);
    if (claim.kind === 'conflict') {
      throw new ApiError('conflict', `Idempotency-Key was already used with a different body (job ${claim.jobId})`, [{ field: 'Idempotency-Key', message: 'reused with a different body' }]);
    }
    if (claim.kind === 'replay') return replay(ctx, claim.jobId, request, environment, waitSeconds);
    jobId = claim.jobId;
  }

  const job = withJobTrace(newJobDocument(specFromRequest(request, { job_id: jobId, owner: caller.name, source: 'http', source_ref: null, lane: laneFor(request, deps.config), environment }), deps.config.JOB_TTL_DAYS));
  try {
    await queueSubmittedJob(ctx, job, idempotencyKey !== undefined);
  } catch (err) {
    // Only when no document and no message can exist: once a publish was tried, the key stays.
    if (idempotencyKey && err instanceof SubmitUnavailable && err.nothingMade) await releaseIdempotencyKey(deps.firestore, caller.name, idempotencyKey, jobId).catch(() => undefined);
    throw err;
  }
  ctx.log.info('job queued', { job_id: jobId, owner: caller.name, priority: job.priority, source: 'http', lane: job.lane, ...jobLogFields(deps.config.GOOGLE_CLOUD_PROJECT, job) });
  await answer(ctx, job, 202, 'job queued', waitSeconds);
}

/** The same key and body again: answer with the job the first request made (creating it if that request died before). */
async function replay(ctx: RouteContext, jobId: string, request: Parameters<typeof specFromRequest>[0], environment: ResolvedEnvironment | null, waitSeconds: number): Promise<void> {
  const { deps, caller } = ctx;
  let job = (await deps.store.get(jobId)) ?? (await waitForJob(deps.store, jobId, () => true, deps.tuning.replayWaitMs, clientGone(ctx.res)));
  if (!job) {
    // The first request claimed the key but never wrote its job: queue it now under the claimed id.
    const fresh = newJobDocument(specFromRequest(request, { job_id: jobId, owner: caller.name, source: 'http', source_ref: null, lane: laneFor(request, deps.config), environment }), deps.config.JOB_TTL_DAYS);
    await queueSubmittedJob(ctx, fresh, true);
    job = fresh;
  } else if (job.status === 'queued') {
    // The first request may have been answered 503 after its publish failed: send the message now.
    await resendIfUnsent(ctx, jobId);
  }
  ctx.log.info('idempotent replay', { job_id: jobId, owner: caller.name });
  await answer(ctx, job, 200, 'existing job for this Idempotency-Key', waitSeconds);
}

export async function answer(ctx: RouteContext, job: JobDocument, status: 200 | 202, message: string, waitSeconds: number): Promise<void> {
  if (waitSeconds > 0 && !isTerminal(job.status)) {
    const ended = await waitForJob(ctx.deps.store, job.job_id, (j) => isTerminal(j.status), waitSeconds * 1000, clientGone(ctx.res));
    if (ended) return void ctx.res.status(200).json(publicJob(ended));
  } else if (waitSeconds > 0) {
    return void ctx.res.status(200).json(publicJob(job));
  }
  ctx.res.set({ location: jobLinks(ctx.baseUrl, job.job_id).status_url }).status(status).json(submitResponse(ctx, job, message));
}

export const submitJobRoutes: Route[] = [
  { method: 'POST', path: '/jobs', handle: tracedSubmit('/jobs', submitJob), leavesFrameworkDomain: true },
  { method: 'POST', path: '/enqueue', handle: tracedSubmit('/enqueue', submitJob), leavesFrameworkDomain: true },
];
