// Delivery of a completed job's changes (contract v4 "Delivery"): one commit of the job's final
// files on its branch, pushed with the host's credentials, and with `pull_request` a pull request
// (GitHub) or merge request (GitLab). A job of a session whose earlier job delivered goes to the
// same branch and pull request without naming `delivery`. Whatever happens here, the job stays
// completed: a failure is `result.delivery.state: failed` with the host's answer, redacted.
import type { BlobStore } from '../blobs/blob-store.js';
import type { Config } from '../config.js';
import type { JobDocument } from '../jobs/job-document.js';
import type { Logger } from '../logging.js';
import { LeaseLostError, type HolderGuard } from '../processor/holder-guard.js';
import { readSessionDelivery } from '../processor/session-store.js';
import { redactCredentials } from '../workspace/git-credentials.js';
import { checkGitUrl } from '../workspace/git-url-policy.js';
import type { PreparedWorkspace } from '../workspace/prepare-workspace.js';
import type { Changes } from '../workspace/workspace-schemas.js';
import { forgeOf } from './delivery-config.js';
import type { DeliveryRequest, DeliveryResult } from './delivery-schemas.js';
import { hostCredentials } from './host-credentials.js';
import { openPullRequest } from './open-pull-request.js';
import { commitMessage, pullRequestBody, subjectOf } from './pull-request-text.js';
import { commitOnParent, DeliveryError, finalTree, pushCommit, remoteBranches, type Remote } from './push-branch.js';
import type { SessionDelivery } from './session-delivery.js';

export interface DeliveryContext {
  config: Config;
  blobs: BlobStore;
  job: JobDocument;
  prepared: PreparedWorkspace;
  status: 'completed' | 'failed' | 'cancelled';
  finalMessage: string;
  changes: Changes | null;
  guard: HolderGuard;
  emit: (type: string, data: Record<string, unknown>) => void;
  log: Logger;
}

export interface Delivered {
  /** `{delivery}` for the job's result, or nothing (no delivery for this job). */
  fields: { delivery?: DeliveryResult };
  /** What the session's record keeps (this delivery, or the earlier one carried on). */
  session?: SessionDelivery;
}

/** Git and API steps of one delivery get this long (the job's own timeout has been spent on the turn). */
const DELIVERY_TIMEOUT_MS = 120_000;

/** A job of a session that resumed (not a rerun) may carry on the session's delivery. */
function followsSession(job: JobDocument, prepared: { resumeThreadId?: string | null }): boolean {
  return Boolean(job.session_id && prepared.resumeThreadId && !job.metadata.rerun_of);
}

/** Whether deliverJob may push for this job (its own `delivery`, or its session's): the outline's job.delivery stage. */
export function mayDeliver(job: JobDocument, prepared: { resumeThreadId?: string | null }): boolean {
  return Boolean(job.delivery) || followsSession(job, prepared);
}

export async function deliverJob(ctx: DeliveryContext): Promise<Delivered> {
  const { job, config } = ctx;
  if (ctx.status !== 'completed') return { fields: {} };
  // A rerun delivers to a branch of its own (its job_id differs), never into the session's.
  const previous = followsSession(job, ctx.prepared) ? await readSessionDelivery(ctx.blobs, config.RESULTS_BUCKET, { owner: job.owner, session_id: job.session_id! }) : null;
  const gitUrl = job.delivery && job.workspace && 'git' in job.workspace ? job.workspace.git.url : previous?.url;
  const request: DeliveryRequest | null = job.delivery ?? (previous ? { branch: previous.branch, ...(previous.pull_request ? { pull_request: true as const } : {}) } : null);
  if (!request || !gitUrl) return previous ? { fields: {}, session: previous } : { fields: {} };
  const earlier = previous?.url === gitUrl ? previous : null;
  const branch = request.branch ?? earlier?.branch ?? `codex-jobs/${job.job_id.slice(0, 8)}`;
  const following = earlier?.branch === branch ? earlier : null;
  const secrets = [...config.GIT_CREDENTIALS];
  let delivered: { result: DeliveryResult; session?: SessionDelivery };
  try {
    delivered = await deliver(ctx, { gitUrl, request, branch, following, secrets, signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS) });
  } catch (err) {
    if (err instanceof LeaseLostError || ctx.guard.lost) throw err instanceof LeaseLostError ? err : new LeaseLostError(`job ${job.job_id}: this run lost its lease`);
    delivered = { result: { state: 'failed', branch, error: redactCredentials(hostAnswer(err), secrets) }, ...(previous ? { session: previous } : {}) };
  }
  const result = delivered.result;
  ctx.emit('delivery', { ...result });
  const level = result.state === 'failed' ? 'warn' : 'info';
  ctx.log[level](`delivery ${result.state}`, { job_id: job.job_id, branch, state: result.state, commit: result.commit, pull_request: result.pull_request?.number, error: result.error });
  return { fields: { delivery: result }, ...(delivered.session ? { session: delivered.session } : {}) };
}

interface Plan {
  gitUrl: string;
  request: DeliveryRequest;
  branch: string;
  following: SessionDelivery | null;
  /** Credentials to redact from anything shown (grows with the App's token). */
  secrets: string[];
  signal: AbortSignal;
}

async function deliver(ctx: DeliveryContext, plan: Plan): Promise<{ result: DeliveryResult; session?: SessionDelivery }> {
  const { config, job, prepared } = ctx;
  const { branch, following, request } = plan;
  const tree = await finalTree(prepared.repo);
  if (tree === prepared.base.tree) return { result: { state: 'skipped', branch }, ...(following ? { session: following } : {}) };
  const url = new URL(plan.gitUrl);
  const credentials = await hostCredentials(url, config);
  plan.secrets.push(...credentials.credentials);
  const remote: Remote = { checked: await checkGitUrl(plan.gitUrl, config), credentials: credentials.credentials, allowInsecure: config.ALLOW_INSECURE_GIT };
  // The job's ref is the pull request's default base when it is a branch of the host.
  const jobRef = job.workspace && 'git' in job.workspace ? job.workspace.git.ref ?? prepared.base.base.ref : undefined;
  const tips = await remoteBranches(prepared.repo, remote, jobRef && jobRef !== branch ? [branch, jobRef] : [branch], plan.signal);
  const tip = tips.get(branch);
  const expected = following?.commit ?? prepared.base.base.commit;
  if (following && tip === undefined) throw new DeliveryError(`the branch ${branch} is gone from the host (deleted or renamed since the session's last delivery); nothing was pushed`);
  if (tip !== undefined && tip !== expected) {
    throw new DeliveryError(`conflict: the branch ${branch} moved on the host since the job started (it is at ${tip}, the job started from ${expected}); nothing was pushed (never a force push)`);
  }
  const subject = subjectOf(ctx.finalMessage, job.job_id);
  const message = request.commit_message ?? commitMessage(subject, job.job_id);
  const commit = await commitOnParent(prepared.repo, remote, branch, { tree, parent: expected, message, author: config.GIT_AUTHOR }, plan.signal);
  await ctx.guard.check(); // a run that lost its job pushes nothing
  await pushCommit(prepared.repo, remote, commit, branch, plan.signal);
  const session: SessionDelivery = { url: plan.gitUrl, branch, commit, ...(following?.pull_request ? { pull_request: following.pull_request } : {}) };
  if (following?.pull_request) return { result: { state: 'updated', branch, commit, pull_request: following.pull_request }, session };
  if (request.pull_request === undefined) return { result: { state: 'pushed', branch, commit }, session };
  const options = request.pull_request === true ? {} : request.pull_request;
  try {
    const forge = forgeOf(url, config.FORGE_HOSTS);
    if (!forge) throw new DeliveryError(`${url.host} is not a known GitHub, GitLab or Gitea host (name it in FORGE_HOSTS); the branch was pushed, no pull request was opened`);
    await ctx.guard.check();
    const base = options.base ?? (jobRef && tips.has(jobRef) ? jobRef : undefined);
    const opened = await openPullRequest(forge, plan.gitUrl, config, credentials, {
      branch,
      ...(base ? { base } : {}),
      title: options.title ?? subject,
      body: pullRequestBody({ lead: options.body, finalMessage: ctx.finalMessage, stats: ctx.changes?.stats, jobId: job.job_id }),
      draft: options.draft ?? true,
    });
    session.pull_request = opened.pull_request;
    return { result: { state: opened.created ? 'opened' : 'updated', branch, commit, pull_request: opened.pull_request }, session };
  } catch (err) {
    if (err instanceof LeaseLostError) throw err;
    // Pushed, but no pull request: the branch is the session's now, so a follow-up builds on it.
    return { result: { state: 'failed', branch, commit, error: redactCredentials(hostAnswer(err), plan.secrets) }, session };
  }
}

/** The host's answer in an error: octokit's and gitbeaker's carry the status and GitHub's/GitLab's message. */
function hostAnswer(err: unknown): string {
  const e = err as { status?: number; message?: string; response?: { data?: unknown; status?: number }; cause?: { response?: { status?: number }; description?: string } };
  const status = e.status ?? e.response?.status ?? e.cause?.response?.status;
  const data = e.response?.data;
  const detail = data && typeof data === 'object' && 'errors' in data ? ` ${JSON.stringify((data as { errors: unknown }).errors)}` : '';
  const base = e.cause?.description ?? e.message ?? String(err);
  return `${status ? `the host answered ${status}: ` : ''}${base}${detail}`.slice(0, 2000);
}
