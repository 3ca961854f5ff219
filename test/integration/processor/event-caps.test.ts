// Event fields are cut to EVENT_TEXT_LIMIT, and one event Firestore would refuse never loses the
// events batched with it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EVENT_TEXT_LIMIT } from '../../../shared/processor/event-limits.js';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';

let h: ProcessorHarness;
before(async () => {
  h = await processorHarness();
});
after(async () => {
  await h.close();
});

test('a command text of 60 000 characters is stored cut, and every other event of the job is stored too', async () => {
  const long = 'x'.repeat(60_000);
  const { job, message } = await h.submit({ prompt: `long command marker-lc [[cmd:echo ${long} | wc -c]] [[final:counted]]` });
  assert.deepEqual(await h.deliver(message), { ack: true, reason: 'ran' });
  const done = await h.deps.store.get(job.job_id);
  assert.equal(done?.status, 'completed', JSON.stringify(done?.error));
  const events = await h.deps.store.listEvents(job.job_id, -1, 1000);
  const command = events.find((e) => e.type === 'command');
  assert.ok(command, `a command event (${events.map((e) => e.type).join(',')})`);
  const text = command.data.command as string;
  assert.ok(text.length < EVENT_TEXT_LIMIT + 100, `cut to the limit (${text.length})`);
  assert.match(text, /…\[cut: \d+ more characters\]$/);
  for (const type of ['claimed', 'thread_started', 'turn_started', 'agent_message', 'turn_completed', 'finished']) assert.ok(events.some((e) => e.type === type), `${type} stored`);
});

test('the store writes an event Firestore refuses (over 1 MiB) alone: the rest of its batch is stored', async () => {
  const { job } = await h.submit({ prompt: 'direct marker-de' });
  const at = new Date().toISOString();
  const batch = [
    { seq: 1, type: 'before', at, data: { n: 1 } },
    { seq: 2, type: 'huge', at, data: { blob: 'y'.repeat(1_200_000) } },
    { seq: 3, type: 'after', at, data: { n: 3 } },
  ];
  await assert.rejects(h.deps.store.appendEvents(job.job_id, batch), 'the refused event is reported');
  const stored = (await h.deps.store.listEvents(job.job_id, -1, 10)).map((e) => e.type);
  assert.deepEqual(stored, ['before', 'after']);
});
