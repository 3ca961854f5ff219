// The local stand-in for Cloud Scheduler: runs terraform/schedules.json on the same crons (croner,
// in each schedule's time zone) and publishes the message Cloud Scheduler would publish to
// SCHEDULES_TOPIC: attribute `schedule`, data = the request as written in the file.
import { existsSync } from 'node:fs';
import type { PubSub } from '@google-cloud/pubsub';
import { Cron } from 'croner';
import type { Config } from '../shared/config.js';
import { loadSchedulesFile, scheduleMessage, type Schedule } from '../shared/intake/schedules.js';
import { timeoutLimits } from '../shared/jobs/job-lane.js';

export interface LocalSchedules {
  schedules: { name: string; cron: string; next: Date | null }[];
  /** Publishes a schedule's message now, as its cron would (for tests and manual runs); the message id. */
  fire(name: string): Promise<string>;
  stop(): void;
}

export async function startLocalSchedules(opts: { pubsub: PubSub; config: Config; file: string; log: (line: string) => void }): Promise<LocalSchedules> {
  const { pubsub, config, file, log } = opts;
  if (!existsSync(file)) {
    log(`no schedules file at ${file}; no schedules run`);
    return { schedules: [], fire: async (name) => Promise.reject(new Error(`no schedule named ${name}`)), stop: () => undefined };
  }
  // An invalid file stops start-up with the message naming the schedule (ScheduleFileError).
  const schedules = await loadSchedulesFile(file, timeoutLimits(config));
  const topic = pubsub.topic(config.SCHEDULES_TOPIC);
  const [exists] = await topic.exists();
  if (!exists) await pubsub.createTopic(config.SCHEDULES_TOPIC);
  const byName = new Map<string, Schedule>(schedules.map((s) => [s.name, s]));

  const publish = async (schedule: Schedule): Promise<string> => topic.publishMessage(scheduleMessage(schedule));
  const crons = schedules.map(
    (schedule) =>
      new Cron(schedule.cron, { timezone: schedule.time_zone, protect: true, name: `codex-schedule-${schedule.name}` }, async () => {
        try {
          const id = await publish(schedule);
          log(`schedule ${schedule.name} fired: message ${id} on ${config.SCHEDULES_TOPIC}`);
        } catch (err) {
          log(`schedule ${schedule.name} could not publish: ${(err as Error).message}`);
        }
      }),
  );
  return {
    schedules: schedules.map((s, i) => ({ name: s.name, cron: s.cron, next: crons[i]!.nextRun() })),
    fire: async (name) => {
      const schedule = byName.get(name);
      if (!schedule) throw new Error(`no schedule named ${name}`);
      return publish(schedule);
    },
    stop: () => {
      for (const c of crons) c.stop();
    },
  };
}
