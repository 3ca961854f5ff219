// A GitHub-started job has ended (its codex-results message reached the notifier):
// 1. the pull request its delivery opened (or updated) is linked to its session, so a comment on
//    that pull request continues the session (its thread, its branch);
// 2. the reply comment is edited to show the status, a summary and the pull request.
// Linking comes first: once the comment says the job ended, a follow-up comment finds the link.
// A comment still being posted makes the message come back (thrown: the notifier answers 503); a
// GitHub failure to edit is logged, never holding up the job's webhook.
import type { Firestore } from '@google-cloud/firestore';
import type { Config } from '../config.js';
import type { ResultMessage } from '../jobs/result-message.js';
import type { Logger } from '../logging.js';
import { ForgeStore, type ReplyRecord } from './forge-store.js';
import type { GithubApi } from './github-api.js';
import { githubSessionId } from './job-from-event.js';
import { endedReply, type DeliveryShown } from './reply-text.js';

export interface GithubJobEndedDeps {
  config: Config;
  log: Logger;
  firestore: Firestore;
  github: (cloneUrl: string) => Promise<GithubApi>;
}

/** How long a reply may stay unposted before the notifier stops waiting for it (the post failed for good). */
export const REPLY_POST_GRACE_MS = 60_000;

export class ReplyNotPostedYet extends Error {
  override name = 'ReplyNotPostedYet';
}

function deliveryOf(result: ResultMessage): DeliveryShown | undefined {
  const d = (result as ResultMessage & { delivery?: DeliveryShown | null }).delivery;
  return d ?? undefined;
}

function sessionOf(record: ReplyRecord | null, result: ResultMessage): string | undefined {
  if (record?.session_id) return record.session_id;
  const repository = result.metadata?.repository;
  const issue = Number(result.metadata?.issue);
  return repository && Number.isInteger(issue) && issue > 0 ? githubSessionId(repository, issue) : undefined;
}

export async function githubJobEnded(deps: GithubJobEndedDeps, result: ResultMessage): Promise<void> {
  const repository = result.metadata?.repository;
  if (!repository) return;
  const log = deps.log.child({ job_id: result.job_id, repository });
  const forge = new ForgeStore(deps.firestore, deps.config.JOB_TTL_DAYS);
  const record = await forge.getReply(result.job_id);
  const delivery = deliveryOf(result);

  const session = sessionOf(record, result);
  if (delivery?.pull_request && (delivery.state === 'opened' || delivery.state === 'updated') && session && result.owner) {
    await forge.linkPullSession({ repository, pull_request: delivery.pull_request.number, owner: result.owner, session_id: session, job_id: result.job_id });
  }

  if (!record) return; // no reply was posted (posting failed and was released)
  if (record.shown_status === result.status) return; // a duplicate message: already edited
  if (record.comment_id === null) {
    if (Date.now() - Date.parse(record.created_at) < REPLY_POST_GRACE_MS) throw new ReplyNotPostedYet(`the reply comment of job ${result.job_id} is still being posted`);
    log.warn('the reply comment was never posted; nothing to edit');
    return;
  }
  try {
    const api = await deps.github(record.clone_url);
    await api.updateComment(repository, record.comment_id, endedReply({ job_id: record.job_id, status_url: record.status_url, console_url: record.console_url }, result, delivery));
    await forge.replyShown(result.job_id, result.status);
  } catch (err) {
    log.error('could not edit the reply comment on GitHub', { comment_id: record.comment_id, error: err as Error });
  }
}
