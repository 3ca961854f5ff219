// Sessions: a job with a session_id continues the Codex thread and the workspace files of the
// session's last completed job. Both are kept as tarballs under the owner's session prefix
// (gs://RESULTS_BUCKET/sessions/{sha256(owner)}/{session_id}/, see session-scope.ts).
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import * as tar from 'tar';
import { z } from 'zod';
import type { BlobStore } from '../blobs/blob-store.js';
import { attemptOrder } from '../blobs/ordered-write.js';
import { sessionPrefix, type SessionRef } from '../jobs/session-scope.js';
import type { JobWorkspace } from './job-workspace.js';
import { sessionDeliverySchema, type SessionDelivery } from '../delivery/session-delivery.js';

// `delivery` (v4): where the session's changes were last delivered (shared/delivery/session-delivery.ts).
const sessionRecordSchema = z.object({ thread_id: z.string(), updated_at: z.string(), delivery: sessionDeliverySchema.optional() });

/** Restores workspace files and the Codex rollout; returns the thread to resume, or null for a new session. */
export async function restoreSession(blobs: BlobStore, bucket: string, session: SessionRef, ws: JobWorkspace): Promise<string | null> {
  const prefix = sessionPrefix(session);
  if (!(await blobs.exists(bucket, `${prefix}session.json`))) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of blobs.readStream(bucket, `${prefix}session.json`)) chunks.push(chunk as Buffer);
  const record = sessionRecordSchema.parse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
  for (const [object, dir] of [
    ['workspace.tar.gz', ws.workspace],
    ['rollout.tar.gz', ws.codexHome],
  ] as const) {
    const local = path.join(ws.tmpDir, object);
    await blobs.downloadFile(bucket, prefix + object, local);
    await tar.x({ file: local, cwd: dir, preservePaths: false, strict: true });
  }
  return record.thread_id;
}

/** Where the session's last snapshot was delivered (its branch and pull request), or null. */
export async function readSessionDelivery(blobs: BlobStore, bucket: string, session: SessionRef): Promise<SessionDelivery | null> {
  const prefix = sessionPrefix(session);
  if (!(await blobs.exists(bucket, `${prefix}session.json`))) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of blobs.readStream(bucket, `${prefix}session.json`)) chunks.push(chunk as Buffer);
  return sessionRecordSchema.parse(JSON.parse(Buffer.concat(chunks).toString('utf8'))).delivery ?? null;
}

/** Orders a session's snapshots: jobs by creation (a session's jobs run in that order), then attempts. */
export function sessionOrder(job: { created_at: string; job_id: string }, attempt: number): string {
  return `${job.created_at}|${job.job_id}|${attemptOrder(attempt)}`;
}

/**
 * `blobs`: the run's AttemptWriter keyed by the session order (sessionOrder), so a run that lost its
 * job never replaces the snapshot of a later run of the session.
 */
export async function saveSession(blobs: Pick<BlobStore, 'uploadFile' | 'writeJson'>, bucket: string, session: SessionRef, ws: JobWorkspace, threadId: string, delivery?: SessionDelivery): Promise<void> {
  const prefix = sessionPrefix(session);
  await mkdir(path.join(ws.codexHome, 'sessions'), { recursive: true });
  const parts = [
    ['workspace.tar.gz', ws.workspace, '.'],
    ['rollout.tar.gz', ws.codexHome, 'sessions'],
  ] as const;
  for (const [object, cwd, entry] of parts) {
    const local = path.join(ws.tmpDir, object);
    if (!existsSync(path.join(cwd, entry))) continue;
    await tar.c({ gzip: true, file: local, cwd, portable: true }, [entry]);
    await blobs.uploadFile(bucket, prefix + object, local, 'application/gzip');
  }
  await blobs.writeJson(bucket, `${prefix}session.json`, { thread_id: threadId, updated_at: new Date().toISOString(), ...(delivery ? { delivery } : {}) });
}
