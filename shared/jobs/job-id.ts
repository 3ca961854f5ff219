// Job ids: UUID v4 for HTTP jobs; a stable hash in the same shape for storage and scheduler jobs,
// so a redelivered event derives the same id and creates no second job.
import { createHash, randomUUID } from 'node:crypto';

export function newJobId(): string {
  return randomUUID();
}

/** A UUID-shaped (v4 layout, hex charset) id derived from the parts; same parts → same id. */
export function derivedJobId(...parts: string[]): string {
  const h = createHash('sha256').update(parts.map((p) => `${p.length}:${p}`).join('|')).digest();
  h[6] = (h[6]! & 0x0f) | 0x40;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export const JOB_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
