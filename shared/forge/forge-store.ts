// What the GitHub intake keeps in Firestore besides the job:
// - forge_replies/{job_id}: the reply comment of a GitHub-started job (where it is, its id once
//   posted), so the notifier can edit it when the job ends. Created once per job: a redelivery
//   finds it and posts nothing more.
// - forge_pull_sessions/{sha256(repository#number)}: a pull request that a job's delivery opened →
//   that job's owner and session, so a comment on the pull request continues the session.
// Both carry expire_at (a Timestamp, as a TTL policy needs; the jobs' horizon, JOB_TTL_DAYS).
import { createHash } from 'node:crypto';
import { Timestamp, type Firestore } from '@google-cloud/firestore';
import { z } from 'zod';

export const REPLIES_COLLECTION = 'forge_replies';
export const PULL_SESSIONS_COLLECTION = 'forge_pull_sessions';

export const replyRecordSchema = z.object({
  job_id: z.string(),
  repository: z.string(),
  /** The repository's git URL: which host (and so which API and credentials) the comment is on. */
  clone_url: z.string(),
  kind: z.enum(['issue', 'pull_request']),
  number: z.number().int(),
  /** null while the comment is being posted (or when posting it failed). */
  comment_id: z.number().int().nullable(),
  status_url: z.string(),
  console_url: z.string(),
  session_id: z.string(),
  /** The terminal status the comment was last edited to show. */
  shown_status: z.string().nullable(),
  created_at: z.string(),
});
export type ReplyRecord = z.infer<typeof replyRecordSchema>;

export const pullSessionSchema = z.object({
  repository: z.string(),
  pull_request: z.number().int(),
  owner: z.string(),
  session_id: z.string(),
  job_id: z.string(),
  created_at: z.string(),
});
export type PullSession = z.infer<typeof pullSessionSchema>;

function pullKey(repository: string, number: number): string {
  return createHash('sha256').update(`${repository.toLowerCase()}#${number}`).digest('hex');
}

function isAlreadyExists(err: unknown): boolean {
  return (err as { code?: number }).code === 6;
}

export class ForgeStore {
  constructor(
    readonly db: Firestore,
    readonly ttlDays: number,
  ) {}

  expireAt(now = new Date()): Timestamp {
    return Timestamp.fromMillis(now.getTime() + this.ttlDays * 86_400_000);
  }

  private reply(jobId: string) {
    return this.db.collection(REPLIES_COLLECTION).doc(jobId);
  }

  /** Claims the job's reply: true for the first caller, false when a reply record exists already. */
  async claimReply(record: Omit<ReplyRecord, 'comment_id' | 'shown_status' | 'created_at'>): Promise<boolean> {
    const now = new Date();
    try {
      await this.reply(record.job_id).create({ ...record, comment_id: null, shown_status: null, created_at: now.toISOString(), expire_at: this.expireAt(now) });
      return true;
    } catch (err) {
      if (isAlreadyExists(err)) return false;
      throw err;
    }
  }

  async replyPosted(jobId: string, commentId: number): Promise<void> {
    await this.reply(jobId).update({ comment_id: commentId });
  }

  /** A reply that could not be posted is released, so a redelivery of the event may try again. */
  async releaseReply(jobId: string): Promise<void> {
    await this.reply(jobId).delete();
  }

  async getReply(jobId: string): Promise<ReplyRecord | null> {
    const snap = await this.reply(jobId).get();
    return snap.exists ? replyRecordSchema.parse(snap.data()) : null;
  }

  async replyShown(jobId: string, status: string): Promise<void> {
    await this.reply(jobId).update({ shown_status: status });
  }

  async linkPullSession(link: Omit<PullSession, 'created_at'>): Promise<void> {
    const now = new Date();
    // set, not create: a later job of the session that opened the pull request anew (the first was
    // closed) moves the link to it.
    await this.db
      .collection(PULL_SESSIONS_COLLECTION)
      .doc(pullKey(link.repository, link.pull_request))
      .set({ ...link, repository: link.repository.toLowerCase(), created_at: now.toISOString(), expire_at: this.expireAt(now) });
  }

  async pullSession(repository: string, number: number): Promise<PullSession | null> {
    const snap = await this.db.collection(PULL_SESSIONS_COLLECTION).doc(pullKey(repository, number)).get();
    return snap.exists ? pullSessionSchema.parse(snap.data()) : null;
  }
}
