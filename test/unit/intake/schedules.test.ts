// terraform/schedules.json: validated by one zod schema; every problem names its schedule.
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { cronProblem, loadSchedulesFile, parseSchedules, ScheduleFileError, scheduleMessage, timeZoneProblem } from '../../../shared/intake/schedules.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const good = { name: 'nightly', cron: '0 3 * * *', time_zone: 'Europe/Berlin', request: { prompt: 'Summarize.', priority: 'low' } };

test('the shipped terraform/schedules.json is valid', async () => {
  const schedules = await loadSchedulesFile(path.join(REPO, 'terraform/schedules.json'), 480_000);
  assert.ok(schedules.length >= 1);
  for (const s of schedules) assert.equal(typeof s.request.prompt, 'string');
});

test('a valid entry keeps its request as written (it is the message body)', () => {
  const [s] = parseSchedules([good], 480_000);
  assert.deepEqual(s, good);
  const msg = scheduleMessage(s!);
  assert.deepEqual(msg.attributes, { schedule: 'nightly' });
  assert.deepEqual(JSON.parse(msg.data.toString('utf8')), good.request);
});

test('cron: five unix-cron fields that croner accepts', () => {
  for (const ok of ['0 3 * * *', '*/15 9-17 * * MON-FRI', '0 0 1 JAN *', '5,35 * * * 0']) assert.equal(cronProblem(ok), null, ok);
  assert.match(cronProblem('0 3 * *')!, /five fields/);
  assert.match(cronProblem('0 0 3 * * *')!, /five fields/);
  assert.match(cronProblem('@daily')!, /five fields/);
  assert.match(cronProblem('61 * * * *')!, /minute/);
  assert.match(cronProblem('0 0 L * *')!, /"L" is not a month or weekday name/);
  assert.match(cronProblem('0 0 ? * *')!, /characters/);
});

test('time zones: IANA names only, spelled as IANA spells them', () => {
  assert.equal(timeZoneProblem('Etc/UTC'), null);
  assert.equal(timeZoneProblem('America/New_York'), null);
  assert.match(timeZoneProblem('Mars/Olympus_Mons')!, /unknown time zone "Mars\/Olympus_Mons"/);
  assert.match(timeZoneProblem('america/new_york')!, /America\/New_York/);
});

test('every problem is reported at once, each naming its schedule', () => {
  const entries = [
    good,
    { ...good, name: 'bad-cron', cron: '0 25 * * *' },
    { ...good, name: 'bad-tz', time_zone: 'Nowhere/Land' },
    { ...good, name: 'bad-request', request: { prompt: 'x', timeout_ms: 10_000_000, retries: 2 } },
    { ...good, name: 'no-prompt', request: { priority: 'high' } },
    { ...good, name: 'extra', paused: true },
    { ...good, name: 'nightly' },
    { cron: '0 3 * * *', time_zone: 'UTC', request: { prompt: 'x' } },
  ];
  let message = '';
  try {
    parseSchedules(entries, 480_000);
    assert.fail('expected an error');
  } catch (err) {
    assert.ok(err instanceof ScheduleFileError);
    message = err.message;
  }
  assert.match(message, /schedule "bad-cron": cron: bad cron "0 25 \* \* \*": .*hour/);
  assert.match(message, /schedule "bad-tz": time_zone: unknown time zone "Nowhere\/Land"/);
  assert.match(message, /schedule "bad-request": request: timeout_ms: /);
  assert.match(message, /schedule "bad-request": request: unknown field: retries/);
  assert.match(message, /schedule "no-prompt": request: prompt: /);
  assert.match(message, /schedule "extra": unknown field\(s\): paused/);
  assert.match(message, /schedule "nightly": the name is used twice/);
  assert.match(message, /schedule "#8": name: /);
  assert.doesNotMatch(message, /schedule "nightly": cron/);
});

test('the file must be a JSON array', async () => {
  assert.throws(() => parseSchedules({ nightly: good }, 480_000), /JSON array/);
  await assert.rejects(loadSchedulesFile('/nonexistent/schedules.json', 480_000), /cannot read \/nonexistent\/schedules.json/);
});
