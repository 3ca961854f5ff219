// Idempotency-Key: the first request with a key claims idempotency/{sha256(owner, key)} by a
// create precondition, so of any number of concurrent identical requests exactly one makes the job.
// The record keeps the body's hash and the job id for 24 h: the same key and body → the same job,
// the same key with another body → conflict.
import { createHash } from 'node:crypto';
import { Timestamp, type Firestore } from '@google-cloud/firestore';
import { CoalescedCreates } from '../store/coalesced-creates.js';
import { ApiError } from './api-error.js';

export const IDEMPOTENCY_COLLECTION = 'idempotency';
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export type IdempotencyClaim = { kind: 'new'; jobId: string } | { kind: 'replay'; jobId: string } | { kind: 'conflict'; jobId: string };

/** A header value fit to be a key: 1..255 visible ASCII characters. */
export function parseIdempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!KEY_PATTERN.test(header)) throw new ApiError('bad_request', 'Idempotency-Key must be 1 to 255 visible ASCII characters', [{ field: 'Idempotency-Key', message: 'Idempotency-Key must be 1 to 255 visible ASCII characters' }]);
  return header;
}

/** JSON with object keys sorted, so the same body in another key order hashes the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function bodyHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

// The key records of one event-loop turn go to Firestore in one BatchWrite, as the job documents do
// (store/coalesced-creates.ts): under concurrency one Commit per request was what held the
// idempotent submit to half the plain one's rate (bench/enqueue-bench.ts). Each create keeps its own
// precondition and outcome.
const coalesced = new WeakMap<Firestore, CoalescedCreates>();

function coalescedCreates(db: Firestore): CoalescedCreates {
  let creates = coalesced.get(db);
  if (!creates) {
    creates = new CoalescedCreates(db);
    coalesced.set(db, creates);
  }
  return creates;
}

function recordId(owner: string, key: string): string {
  return createHash('sha256').update(`${owner}\n${key}`).digest('hex');
}

/**
 * Claims the key for a new job id, or reports the job an earlier request with this key made.
 * One create round trip when the key is new; an expired record is replaced under an update-time precondition.
 */
export async function claimIdempotencyKey(db: Firestore, owner: string, key: string, hash: string, newJobId: string, now = Date.now()): Promise<IdempotencyClaim> {
  const ref = db.collection(IDEMPOTENCY_COLLECTION).doc(recordId(owner, key));
  const record = { owner, body_hash: hash, job_id: newJobId, created_at: new Date(now).toISOString(), expire_at: Timestamp.fromMillis(now + IDEMPOTENCY_TTL_MS) };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await coalescedCreates(db).create(ref, record);
      return { kind: 'new', jobId: newJobId };
    } catch (err) {
      if ((err as { code?: number }).code !== 6 /* ALREADY_EXISTS */) throw err;
    }
    const snap = await ref.get();
    if (!snap.exists) continue; // removed in between (a failed first request): claim again
    const expireAt = snap.get('expire_at') as Timestamp;
    if (expireAt.toMillis() <= now) {
      try {
        await ref.update(record, { lastUpdateTime: snap.updateTime! });
        return { kind: 'new', jobId: newJobId };
      } catch {
        continue; // another request replaced it first: read again
      }
    }
    const jobId = snap.get('job_id') as string;
    return { kind: snap.get('body_hash') === hash ? 'replay' : 'conflict', jobId };
  }
  throw new ApiError('conflict', 'the Idempotency-Key is being claimed by concurrent requests; retry');
}

/** Frees the key after the request that claimed it failed to queue its job, so a retry can succeed. */
export async function releaseIdempotencyKey(db: Firestore, owner: string, key: string, jobId: string): Promise<void> {
  const ref = db.collection(IDEMPOTENCY_COLLECTION).doc(recordId(owner, key));
  const snap = await ref.get();
  if (snap.exists && snap.get('job_id') === jobId) await ref.delete({ lastUpdateTime: snap.updateTime! });
}
