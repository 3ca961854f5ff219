// POST /forge/github: one GitHub webhook delivery. Verified on its signature (401, nothing made),
// filtered (202 {ignored}), then one job per delivery id made through the API's own submit path
// (the mapped key's quota and tenancy), and a reply comment on the issue or pull request.
import type { ApiDeps } from '../api/api-deps.js';
import { ApiError } from '../api/api-error.js';
import { checkSubmitQuota } from '../api/quota-check.js';
import { queueSubmittedJob, resendIfUnsent } from '../api/queue-submitted-job.js';
import { checkWorkspace } from '../api/workspace-check.js';
import { newJobDocument, specFromRequest, type JobDocument } from '../jobs/job-document.js';
import { laneFor, timeoutLimits } from '../jobs/job-lane.js';
import { describeIssues, jobRequestSchema } from '../jobs/job-request.js';
import type { Logger } from '../logging.js';
import { ForgeStore } from './forge-store.js';
import type { ForgeAnswer } from './forge-schemas.js';
import type { GithubApi } from './github-api.js';
import { signatureProblem } from './github-signature.js';
import { jobFromEvent, githubJobId } from './job-from-event.js';
import { queuedReply, type ReplyLinks } from './reply-text.js';
import { filterEvent, type Trigger } from './trigger-filter.js';


export interface GithubDelivery {
  rawBody: Buffer;
  headers: { event?: string; deliveryId?: string; signature?: string; contentType?: string };
  /** The API's own URL, for the links of the reply comment. */
  baseUrl: string;
}

export interface IntakeDeps extends ApiDeps {
  /** The GitHub API of the host a repository's git URL is on (reply comments, a pull request's head). */
  github: (cloneUrl: string) => Promise<GithubApi>;
}

/** The JSON payload: the body itself, or its `payload` field when GitHub sends form-encoded. */
function payloadOf(rawBody: Buffer, contentType: string | undefined): unknown {
  const text = rawBody.toString('utf8');
  const form = contentType?.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
  try {
    return JSON.parse(form ? (new URLSearchParams(text).get('payload') ?? '') : text);
  } catch {
    throw new ApiError('bad_request', 'the delivery body is not a JSON webhook payload', [{ field: '(body)', message: 'not JSON' }]);
  }
}

export function replyLinks(baseUrl: string, jobId: string): ReplyLinks {
  return { job_id: jobId, status_url: `${baseUrl}/jobs/${jobId}`, console_url: `${baseUrl}/console#/jobs/${jobId}` };
}

export async function receiveGithubDelivery(deps: IntakeDeps, delivery: GithubDelivery): Promise<ForgeAnswer> {
  const { config } = deps;
  const problem = await signatureProblem(config.GITHUB_WEBHOOK_SECRET, delivery.rawBody, delivery.headers.signature);
  if (problem) throw new ApiError('unauthorized', problem, [{ field: 'X-Hub-Signature-256', message: problem }]);
  const event = delivery.headers.event;
  const deliveryId = delivery.headers.deliveryId;
  if (!event) throw new ApiError('bad_request', 'the X-GitHub-Event header is missing', [{ field: 'X-GitHub-Event', message: 'required' }]);
  if (!deliveryId || !/^[A-Za-z0-9-]{1,128}$/.test(deliveryId)) {
    throw new ApiError('bad_request', 'the X-GitHub-Delivery header is missing or not a delivery id', [{ field: 'X-GitHub-Delivery', message: 'required: the delivery GUID' }]);
  }
  const outcome = filterEvent(config, event, payloadOf(delivery.rawBody, delivery.headers.contentType));
  const log = deps.log.child({ github_delivery: deliveryId, github_event: event });
  if ('ignored' in outcome) {
    log.debug('GitHub delivery ignored', { reason: outcome.ignored });
    return { ignored: outcome.ignored };
  }
  const { trigger } = outcome;
  const forge = new ForgeStore(deps.firestore, config.JOB_TTL_DAYS);
  const links = replyLinks(delivery.baseUrl, githubJobId(deliveryId));

  // A redelivery: the job of the first delivery, made once.
  const existing = await deps.store.get(links.job_id);
  if (existing) {
    if (existing.status === 'queued') await resendIfUnsent({ deps, log }, existing.job_id);
    await reply(deps, forge, log, trigger, existing, links);
    log.info('GitHub redelivery: the job exists', { job_id: existing.job_id });
    return { job_id: existing.job_id };
  }

  const pull = trigger.target.kind === 'pull_request' ? (trigger.target.pull ?? (await (await deps.github(trigger.repository.clone_url)).getPull(trigger.repository.full_name, trigger.target.number))) : undefined;
  const link = trigger.target.kind === 'pull_request' ? await forge.pullSession(trigger.repository.full_name, trigger.target.number) : null;
  const made = jobFromEvent({ trigger, deliveryId, ...(pull ? { pull } : {}), ...(link ? { link } : {}), timeoutMs: config.MAX_JOB_TIMEOUT_MS });
  const parsed = jobRequestSchema(timeoutLimits(config)).safeParse(made.request);
  if (!parsed.success) {
    const details = describeIssues(parsed.error);
    throw new ApiError('bad_request', `the event makes no valid job: ${details.map((d) => d.message).join('; ')}`, details);
  }
  const request = parsed.data;
  if (request.workspace) await checkWorkspace(deps, made.owner, request.workspace);
  await checkSubmitQuota(deps, made.owner);

  const job = newJobDocument(
    specFromRequest(request, { job_id: made.jobId, owner: made.owner, source: 'http', source_ref: `github:${trigger.repository.full_name}#${trigger.target.number}`, lane: laneFor(request, config), environment: null }),
    config.JOB_TTL_DAYS,
  );
  // Idempotent: a failed publish leaves the job due for a resend (a redelivery, or the sweeper, sends it).
  await queueSubmittedJob({ deps, log }, job, true);
  log.info('job queued from GitHub', { job_id: job.job_id, owner: job.owner, repository: trigger.repository.full_name, [trigger.target.kind]: trigger.target.number });
  await reply(deps, forge, log, trigger, job, links);
  return { job_id: job.job_id };
}

/** Posts the reply comment once per job; a failure is logged and released for a redelivery to retry (the job runs regardless). */
async function reply(deps: IntakeDeps, forge: ForgeStore, log: Logger, trigger: Trigger, job: JobDocument, links: ReplyLinks): Promise<void> {
  const repository = trigger.repository.full_name;
  const claimed = await forge
    .claimReply({ job_id: job.job_id, repository, clone_url: trigger.repository.clone_url, kind: trigger.target.kind, number: trigger.target.number, status_url: links.status_url, console_url: links.console_url, session_id: job.session_id ?? '' })
    .catch((err: Error) => {
      log.error('could not record the reply comment', { job_id: job.job_id, error: err });
      return false;
    });
  if (!claimed) return;
  try {
    const api = await deps.github(trigger.repository.clone_url);
    const commentId = await api.createComment(repository, trigger.target.number, queuedReply(links));
    await forge.replyPosted(job.job_id, commentId);
  } catch (err) {
    log.error('could not post the reply comment on GitHub', { job_id: job.job_id, repository, error: err as Error });
    await forge.releaseReply(job.job_id).catch(() => undefined);
  }
}
