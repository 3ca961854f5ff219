// The Pub/Sub message of a job on codex-jobs / codex-jobs-priority: the job's spec as JSON.
import { z } from 'zod';
import { jobSpecSchema, type JobDocument, type JobSpec } from './job-document.js';
import type { Priority } from './job-request.js';

export const jobMessageSchema = jobSpecSchema;
export type JobMessage = z.infer<typeof jobMessageSchema>;

export function messageFromJob(job: JobSpec | JobDocument): JobMessage {
  return jobSpecSchema.parse(job);
}

/** high and critical jobs run on the priority lane, with its own reserved processors. */
export function isPriorityLane(priority: Priority): boolean {
  return priority === 'high' || priority === 'critical';
}
