// scheduler's core: one Cloud Scheduler message on codex-schedules (attribute `schedule`, data = a
// JobRequest) → one job. The job_id derives from the schedule name and the message id, so a
// redelivery of the same message makes no second job.
import { intakeEnvironmentProblem } from './intake-environment.js';
import { specFromRequest, type JobSpec } from '../jobs/job-document.js';
import { derivedJobId } from '../jobs/job-id.js';
import { describeIssues, jobRequestSchema } from '../jobs/job-request.js';
import { laneFor, timeoutLimits } from '../jobs/job-lane.js';
import type { PubSubMessage } from '../pubsub/pubsub-message.js';
import { recordRejectedJob, submitIntakeJob, type IntakeDeps } from './intake-jobs.js';

export type ScheduleVerdict = { action: 'queued' | 'duplicate' | 'rejected' | 'dropped'; jobId?: string; detail: string };

const OWNER = 'scheduler';

/** Schedule names are Cloud Scheduler job ids: letters, digits, hyphens, underscores. */
export const SCHEDULE_NAME = /^[A-Za-z0-9_-]{1,100}$/;

export async function handleScheduleMessage(deps: IntakeDeps, message: PubSubMessage): Promise<ScheduleVerdict> {
  const name = message.attributes.schedule;
  const log = deps.log.child({ message_id: message.messageId, schedule: name });
  if (!name || !SCHEDULE_NAME.test(name) || !message.messageId) {
    // Nothing to name the job by; a retry cannot fix that.
    log.error('schedule message without a valid `schedule` attribute or message id; dropped');
    return { action: 'dropped', detail: 'no schedule name' };
  }
  const jobId = derivedJobId('schedule', name, message.messageId);
  const d = { ...deps, log };
  let body: unknown;
  try {
    body = JSON.parse(message.data.toString('utf8'));
  } catch {
    await recordRejectedJob(d, rejectedSpec(jobId, name), `schedule "${name}": the message data is not JSON`);
    return { action: 'rejected', jobId, detail: 'not JSON' };
  }
  const parsed = jobRequestSchema(timeoutLimits(deps.config)).safeParse(body);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error).map((i) => i.message).join('; ');
    await recordRejectedJob(d, rejectedSpec(jobId, name), `schedule "${name}": invalid job request: ${problems}`);
    return { action: 'rejected', jobId, detail: 'invalid request' };
  }
  const envProblem = intakeEnvironmentProblem(parsed.data);
  if (envProblem) {
    await recordRejectedJob(d, rejectedSpec(jobId, name), `schedule "${name}": invalid job request: ${envProblem}`);
    return { action: 'rejected', jobId, detail: 'invalid request' };
  }
  const { created } = await submitIntakeJob(d, specFromRequest(parsed.data, { job_id: jobId, owner: OWNER, source: 'scheduler', source_ref: name, lane: laneFor(parsed.data, deps.config) }));
  return { action: created ? 'queued' : 'duplicate', jobId, detail: created ? 'job created' : 'job exists' };
}

function rejectedSpec(jobId: string, name: string): JobSpec {
  return {
    job_id: jobId,
    owner: OWNER,
    prompt: '',
    timeout_ms: 30_000,
    priority: 'normal',
    metadata: {},
    callback_url: null,
    session_id: null,
    output_schema: null,
    max_total_tokens: null,
    source: 'scheduler',
    source_ref: name,
    created_at: new Date().toISOString(),
  };
}
