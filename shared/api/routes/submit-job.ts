// POST /jobs (alias POST /enqueue): validate, write the document and publish the message at once.
import { newJobDocument, specFromRequest } from '../../jobs/job-document.js';
import { newJobId } from '../../jobs/job-id.js';
import { messageFromJob } from '../../jobs/job-message.js';
import { describeIssues, jobRequestSchema } from '../../jobs/job-request.js';
import { ApiError } from '../api-error.js';
import type { Route, RouteContext } from '../router.js';

export function jobLinks(baseUrl: string, jobId: string) {
  return { status_url: `${baseUrl}/jobs/${jobId}`, events_url: `${baseUrl}/jobs/${jobId}/events` };
}

export async function submitJob(ctx: RouteContext): Promise<void> {
  const { deps, req, res, caller } = ctx;
  const parsed = jobRequestSchema(deps.config.MAX_JOB_TIMEOUT_MS).safeParse(req.body);
  if (!parsed.success) {
    const details = describeIssues(parsed.error);
    throw new ApiError('bad_request', `invalid job request: ${details.map((d) => d.message).join('; ')}`, details);
  }
  const jobId = newJobId();
  const job = newJobDocument(specFromRequest(parsed.data, { job_id: jobId, owner: caller.name, source: 'http', source_ref: null }), deps.config.JOB_TTL_DAYS);
  // Write and publish concurrently: the processor creates the document itself if the message wins.
  await Promise.all([deps.store.create(job), deps.queue.publishJob(messageFromJob(job))]);
  ctx.log.info('job queued', { job_id: jobId, owner: caller.name, priority: job.priority });
  res.status(202).json({
    job_id: jobId,
    status: 'queued',
    message: 'job queued',
    estimated_completion: new Date(Date.parse(job.created_at) + job.timeout_ms).toISOString(),
    ...jobLinks(ctx.baseUrl, jobId),
  });
}

export const submitJobRoutes: Route[] = [
  { method: 'POST', path: '/jobs', handle: submitJob },
  { method: 'POST', path: '/enqueue', handle: submitJob },
];
