// Which lane runs a job: the one rule the API, the storage trigger and the scheduler all use.
// Push lanes (normal, priority) hold a job inside a push request, which lives at most the ack deadline
// (600 s), so they take timeout_ms ≤ MAX_JOB_TIMEOUT_MS. Longer jobs, of any priority, go to the long
// lane (the pull `worker`), up to MAX_LONG_JOB_TIMEOUT_MS, when a long lane is configured.
import { z } from 'zod';
import type { Priority } from './job-request.js';

export const LANES = ['normal', 'priority', 'long'] as const;
export const laneSchema = z.enum(LANES);
export type Lane = z.infer<typeof laneSchema>;

/** The configuration the rule reads (a slice of shared/config.ts Config; no import, so the client can load this file). */
export interface LaneConfig {
  MAX_JOB_TIMEOUT_MS: number;
  MAX_LONG_JOB_TIMEOUT_MS: number;
  LONG_JOBS_TOPIC: string;
}

/** The timeout ceilings a request is checked against; `long` is null when there is no long lane. */
export interface TimeoutLimits {
  push: number;
  long: number | null;
}

export function timeoutLimits(config: LaneConfig): TimeoutLimits {
  return { push: config.MAX_JOB_TIMEOUT_MS, long: config.LONG_JOBS_TOPIC ? config.MAX_LONG_JOB_TIMEOUT_MS : null };
}

/** The 400 text for a timeout_ms above every ceiling: it says why, and what would be accepted. */
export function timeoutTooLongMessage(limits: TimeoutLimits): string {
  if (limits.long === null) {
    return `timeout_ms is at most ${limits.push} ms (MAX_JOB_TIMEOUT_MS) here: a longer job needs the long lane, and this deployment has none (LONG_JOBS_TOPIC is empty)`;
  }
  return `timeout_ms is at most ${limits.long} ms (MAX_LONG_JOB_TIMEOUT_MS; jobs above ${limits.push} ms run on the long lane)`;
}

export class LaneError extends Error {
  override name = 'LaneError';
}

/** The push lane of a priority (what a job with timeout_ms ≤ MAX_JOB_TIMEOUT_MS gets). */
export function pushLaneOf(priority: Priority): Lane {
  return priority === 'high' || priority === 'critical' ? 'priority' : 'normal';
}

/** The lane of a validated job; throws LaneError for a timeout no lane can take (validation lets none through). */
export function laneFor(job: { timeout_ms: number; priority: Priority }, config: LaneConfig): Lane {
  const limits = timeoutLimits(config);
  if (job.timeout_ms <= limits.push) return pushLaneOf(job.priority);
  if (limits.long !== null && job.timeout_ms <= limits.long) return 'long';
  throw new LaneError(timeoutTooLongMessage(limits));
}

/** The topic that carries a lane. */
export function laneTopic(lane: Lane, config: { JOBS_TOPIC: string; PRIORITY_JOBS_TOPIC: string; LONG_JOBS_TOPIC: string }): string {
  if (lane === 'priority') return config.PRIORITY_JOBS_TOPIC;
  if (lane === 'normal') return config.JOBS_TOPIC;
  if (!config.LONG_JOBS_TOPIC) throw new LaneError('a long-lane job cannot be published: LONG_JOBS_TOPIC is empty (no long lane)');
  return config.LONG_JOBS_TOPIC;
}

/** The contract's hard ceiling of MAX_LONG_JOB_TIMEOUT_MS (24 h). */
export const LONG_LANE_MAX_TIMEOUT_MS = 86_400_000;
