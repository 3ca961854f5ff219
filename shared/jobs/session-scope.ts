// Where a session lives and how its jobs are ordered. A session_id is only unique within its owner:
// two owners may pick the same one, so both the snapshot path and the ordering key carry the owner.
import { createHash } from 'node:crypto';

export interface SessionRef {
  owner: string;
  session_id: string;
}

/**
 * gs://RESULTS_BUCKET/sessions/{sha256(owner)}/{session_id}/. The owner is hashed so that any key
 * name makes one fixed-width path segment; the pre-v3 path sessions/{session_id}/ is never read.
 */
export function sessionPrefix(ref: SessionRef): string {
  return `sessions/${createHash('sha256').update(ref.owner, 'utf8').digest('hex')}/${ref.session_id}/`;
}

/** The Pub/Sub ordering key of a session's jobs: `{owner}:{session_id}`. */
export function sessionOrderingKey(ref: SessionRef): string {
  return `${ref.owner}:${ref.session_id}`;
}
