// How soon the sweep may republish the same job again: doubling from the first 120 s wait, capped at
// an hour, so a job waiting its turn in a long backlog gets a few duplicates, not one per sweep.
import { QUEUED_REPUBLISH_AFTER_MS } from '../store/recovery-store.js';

export const MAX_REQUEUE_INTERVAL_MS = 3_600_000;

/** The wait after the `republishes`-th republish (1 for the first). */
export function requeueIntervalMs(republishes: number): number {
  return Math.min(QUEUED_REPUBLISH_AFTER_MS * 2 ** Math.max(0, republishes), MAX_REQUEUE_INTERVAL_MS);
}

export function nextRequeueAt(now: Date, republishes: number): string {
  return new Date(now.getTime() + requeueIntervalMs(republishes)).toISOString();
}

/** Whether the marks allow a republish now (no mark yet: yes). */
export function requeueDue(requeueAt: string | null, now: Date): boolean {
  return requeueAt === null || Date.parse(requeueAt) <= now.getTime();
}
