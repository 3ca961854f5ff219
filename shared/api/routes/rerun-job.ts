// POST /jobs/{id}/rerun: a new job with the same request and the same workspace input, with
// metadata.rerun_of = id, owned by the same owner (so the same upload is its own). Idempotency-Key
// as for POST /jobs: the same key on the same job → the same new job.
import { newJobDocument, specFromRequest } from '../../jobs/job-document.js';
import { newJobId } from '../../jobs/job-id.js';
import { describeIssues, jobRequestSchema } from '../../jobs/job-request.js';
import { ApiError } from '../api-error.js';
import { bodyHash, claimIdempotencyKey, parseIdempotencyKey, releaseIdempotencyKey } from '../idempotency.js';
import type { Route, RouteContext } from '../router.js';
import { visibleJob } from './get-job.js';
import { queueSubmittedJob, SubmitUnavailable } from '../queue-submitted-job.js';
import { checkSubmitQuota } from '../quota-check.js';
import { answer } from './submit-job.js';
import { laneFor, timeoutLimits } from '../../jobs/job-lane.js';
import type { DeliveryRequest } from '../../delivery/delivery-schemas.js';

async function rerunJob(ctx: RouteContext): Promise<void> {
  const { deps, caller } = ctx;
  const original = await visibleJob(ctx, ctx.params.id!);
  const parsed = jobRequestSchema(timeoutLimits(deps.config)).safeParse({
    prompt: original.prompt,
    timeout_ms: original.timeout_ms,
    priority: original.priority,
    metadata: { ...original.metadata, rerun_of: original.job_id },
    ...(original.callback_url ? { callback_url: original.callback_url } : {}),
    ...(original.session_id ? { session_id: original.session_id } : {}),
    ...(original.output_schema ? { output_schema: original.output_schema } : {}),
    ...(original.max_total_tokens ? { max_total_tokens: original.max_total_tokens } : {}),
    // A rerun delivers to a branch of its own (the default, named after its own job_id), never the original's.
    ...(original.delivery ? { delivery: rerunDelivery(original.delivery), workspace: original.workspace } : {}),
  });
  if (!parsed.success) {
    const details = describeIssues(parsed.error);
    throw new ApiError('bad_request', `job ${original.job_id} cannot run again: ${details.map((d) => d.message).join('; ')}`, details);
  }
  const idempotencyKey = parseIdempotencyKey(ctx.req.header('idempotency-key'));
  await ctx.admit();
  await checkSubmitQuota(deps, original.owner);
  let jobId = newJobId();
  if (idempotencyKey) {
    const claim = await claimIdempotencyKey(deps.firestore, caller.name, idempotencyKey, bodyHash({ rerun_of: original.job_id }), jobId);
    if (claim.kind === 'conflict') throw new ApiError('conflict', `Idempotency-Key was already used for another request (job ${claim.jobId})`, [{ field: 'Idempotency-Key', message: 'reused for another request' }]);
    if (claim.kind === 'replay') {
      const existing = await deps.store.get(claim.jobId);
      if (existing) return answer(ctx, existing, 200, 'existing job for this Idempotency-Key', 0);
    }
    jobId = claim.jobId;
  }
  // The same environment the original ran with: its copy and sealed secrets, not today's version of a stored one.
  const environment = original.environment ? { environment: original.environment, environment_secrets: original.environment_secrets ?? null } : null;
  const spec = { ...specFromRequest(parsed.data, { job_id: jobId, owner: original.owner, source: 'http', source_ref: null, lane: laneFor(parsed.data, deps.config), environment }), workspace: original.workspace ?? null };
  const job = newJobDocument(spec, deps.config.JOB_TTL_DAYS);
  try {
    await queueSubmittedJob(ctx, job, idempotencyKey !== undefined);
  } catch (err) {
    // The submit guarantee, as for POST /jobs: once a publish was tried, the key stays.
    if (idempotencyKey && err instanceof SubmitUnavailable && err.nothingMade) await releaseIdempotencyKey(deps.firestore, caller.name, idempotencyKey, jobId).catch(() => undefined);
    throw err;
  }
  ctx.log.info('job queued (rerun)', { job_id: jobId, rerun_of: original.job_id, owner: original.owner });
  await answer(ctx, job, 202, `job queued (a rerun of ${original.job_id})`, 0);
}

function rerunDelivery({ branch: _own, ...rest }: DeliveryRequest): DeliveryRequest {
  return rest;
}

export const rerunJobRoutes: Route[] = [{ method: 'POST', path: '/jobs/:id/rerun', handle: rerunJob }];
