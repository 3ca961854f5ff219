// terraform/schedules.json: the crons. Terraform makes one Cloud Scheduler job per entry (publishing
// the request to codex-schedules with attribute `schedule`); the local stack runs the same file.
// Validated here with zod: a bad cron, an unknown time zone or a bad request names the schedule.
import { intakeEnvironmentProblem } from './intake-environment.js';
import { readFile } from 'node:fs/promises';
import { Cron } from 'croner';
import { z } from 'zod';
import { describeIssues, jobRequestSchema } from '../jobs/job-request.js';
import type { TimeoutLimits } from '../jobs/job-lane.js';
import { SCHEDULE_NAME } from './schedule-message.js';

const NAMES = new Set(['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC', 'SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']);

/** Why a cron expression is not a Cloud Scheduler (unix-cron, five fields) one, or null. */
export function cronProblem(cron: string, timeZone = 'UTC'): string | null {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) return `expected five fields (minute hour day-of-month month day-of-week), got ${fields.length}`;
  for (const field of fields) {
    if (!/^[0-9A-Za-z*,/-]+$/.test(field)) return `"${field}" has characters unix-cron does not allow`;
    const words = field.match(/[A-Za-z]+/g) ?? [];
    const bad = words.find((w) => !NAMES.has(w.toUpperCase()));
    if (bad) return `"${bad}" is not a month or weekday name`;
  }
  try {
    new Cron(cron, { paused: true, timezone: timeZone }).stop();
  } catch (err) {
    return (err as Error).message.replace(/^CronPattern: /, '');
  }
  return null;
}

/** Why a time zone is not an IANA name Cloud Scheduler accepts, or null. */
export function timeZoneProblem(tz: string): string | null {
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return `unknown time zone "${tz}" (use an IANA name such as Etc/UTC or Europe/Berlin)`;
  }
  if (resolved !== tz && resolved.toLowerCase() === tz.toLowerCase()) return `write the time zone as "${resolved}"`;
  return null;
}

export function scheduleSchema(maxTimeoutMs: number | TimeoutLimits) {
  const requestSchema = jobRequestSchema(maxTimeoutMs);
  return z
    .strictObject({
      name: z.string().regex(SCHEDULE_NAME, 'name must be 1–100 letters, digits, hyphens or underscores'),
      cron: z.string().min(1),
      time_zone: z.string().min(1),
      // Kept as written: it is the message body Cloud Scheduler sends; validated like POST /jobs.
      request: z.record(z.string(), z.unknown()),
    })
    .superRefine((s, ctx) => {
      const tz = timeZoneProblem(s.time_zone);
      if (tz) ctx.addIssue({ code: 'custom', path: ['time_zone'], message: tz });
      const cron = cronProblem(s.cron, tz ? 'UTC' : s.time_zone);
      if (cron) ctx.addIssue({ code: 'custom', path: ['cron'], message: `bad cron "${s.cron}": ${cron}` });
      const request = requestSchema.safeParse(s.request);
      if (!request.success) for (const issue of describeIssues(request.error)) ctx.addIssue({ code: 'custom', path: ['request'], message: issue.message });
      const envProblem = request.success ? intakeEnvironmentProblem(request.data) : undefined;
      if (envProblem) ctx.addIssue({ code: 'custom', path: ['request'], message: envProblem });
    });
}

export type Schedule = z.output<ReturnType<typeof scheduleSchema>>;

export class ScheduleFileError extends Error {
  override name = 'ScheduleFileError';
}

/** Validates the parsed file; every problem is reported at once, each naming its schedule. */
export function parseSchedules(json: unknown, maxTimeoutMs: number | TimeoutLimits): Schedule[] {
  if (!Array.isArray(json)) throw new ScheduleFileError('schedules: the file must hold a JSON array of {name, cron, time_zone, request}');
  const schema = scheduleSchema(maxTimeoutMs);
  const problems: string[] = [];
  const schedules: Schedule[] = [];
  const seen = new Set<string>();
  json.forEach((entry, i) => {
    const name = typeof (entry as { name?: unknown } | null)?.name === 'string' ? (entry as { name: string }).name : `#${i + 1}`;
    const parsed = schema.safeParse(entry);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
        const text = issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message;
        problems.push(`schedule "${name}": ${where}${text}`);
      }
      return;
    }
    if (seen.has(parsed.data.name)) problems.push(`schedule "${name}": the name is used twice`);
    seen.add(parsed.data.name);
    schedules.push(parsed.data);
  });
  if (problems.length) throw new ScheduleFileError(`invalid schedules: ${problems.join('; ')}`);
  return schedules;
}

export async function loadSchedulesFile(file: string, maxTimeoutMs: number | TimeoutLimits): Promise<Schedule[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new ScheduleFileError(`cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return parseSchedules(json, maxTimeoutMs);
  } catch (err) {
    if (err instanceof ScheduleFileError) throw new ScheduleFileError(`${file}: ${err.message}`);
    throw err;
  }
}

/** The Pub/Sub message Cloud Scheduler publishes for a schedule (Terraform sets the same). */
export function scheduleMessage(schedule: Schedule): { data: Buffer; attributes: { schedule: string } } {
  return { data: Buffer.from(JSON.stringify(schedule.request)), attributes: { schedule: schedule.name } };
}
