// Every way a turn can end is recorded: model errors, timeouts, budgets, bad structured output,
// a codex binary that cannot start. No job is left processing, and no process is left running.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';
import { processesMatching } from '../../support/process-table.js';

let h: ProcessorHarness;
before(async () => {
  h = await processorHarness();
});
after(async () => {
  await h.close();
});

test('a model error (HTTP 500) ends the job failed with codex_error and the message', async () => {
  const { job, message } = await h.submit({ prompt: 'model breaks [[error:500]]' });
  await h.deliver(message);
  const done = await h.deps.store.get(job.job_id);
  assert.equal(done?.status, 'failed');
  assert.equal(done?.error?.code, 'codex_error');
  assert.match(done!.error!.message, /internalServerError/, 'the message carries what Codex reported');
  assert.equal(done?.lease, null);
});

test('a job past its timeout_ms is interrupted, its process group killed, and it fails with timeout', async () => {
  const marker = '29.731'; // a unique sleep duration identifies the agent's command in the process table
  const { job, message } = await h.submit({ prompt: `sleepy [[cmd:sleep ${marker}]]`, timeout_ms: 2000 });
  const started = Date.now();
  await h.deliver(message);
  const done = await h.deps.store.get(job.job_id);
  assert.equal(done?.status, 'failed');
  assert.equal(done?.error?.code, 'timeout');
  assert.match(done!.error!.message, /2000 ms/);
  assert.equal(done?.result?.exit_code, 124);
  assert.ok(Date.now() - started < 29_000, 'the sleep was cut short, not waited out');
  assert.deepEqual(processesMatching(`sleep ${marker}`), [], 'no process of the job is left');
});

test('max_total_tokens exceeded interrupts the turn and fails the job with budget_exceeded', async () => {
  const { job, message } = await h.submit({ prompt: 'spendy [[tokens:100]] [[cmd:echo a]] [[cmd:echo b]] [[cmd:echo c]] [[cmd:echo d]]', max_total_tokens: 150 });
  await h.deliver(message);
  const done = await h.deps.store.get(job.job_id);
  assert.equal(done?.status, 'failed');
  assert.equal(done?.error?.code, 'budget_exceeded');
  assert.ok(done!.result!.usage.total_tokens > 150);
  assert.ok(h.modelRequestsFor('spendy').length < 5, 'the turn stopped before running every command');
});

test('output_schema: a JSON final message is stored as structured_output', async () => {
  const schema = { type: 'object', properties: { answer: { type: 'number' } }, required: ['answer'], additionalProperties: false };
  const { job, message } = await h.submit({ prompt: 'structured [[final:{"answer":42}]]', output_schema: schema });
  await h.deliver(message);
  const done = await h.deps.store.get(job.job_id);
  assert.equal(done?.status, 'completed');
  assert.deepEqual(done?.result?.structured_output, { answer: 42 });
  const sent = h.modelRequestsFor('structured')[0]!.body as { text?: { format?: { schema?: unknown } } };
  assert.deepEqual(sent.text?.format?.schema, schema, 'the schema reached the model request');
});

test('output_schema: a final message that is not JSON fails the job with codex_error naming the problem', async () => {
  const { job, message } = await h.submit({ prompt: 'unstructured [[final:not json at all]]', output_schema: { type: 'object' } });
  await h.deliver(message);
  const done = await h.deps.store.get(job.job_id);
  assert.equal(done?.status, 'failed');
  assert.equal(done?.error?.code, 'codex_error');
  assert.match(done!.error!.message, /not valid JSON for output_schema/);
});

test('output_schema is enforced: JSON that violates the schema fails the job with codex_error naming the first violation', async () => {
  const schema = { type: 'object', properties: { count: { type: 'integer' }, label: { type: 'string' } }, required: ['count', 'label'], additionalProperties: false };
  const { job, message } = await h.submit({ prompt: 'violates schema [[final:{"count":"three","label":"x"}]]', output_schema: schema });
  assert.deepEqual(await h.deliver(message), { ack: true, reason: 'ran' });
  const done = await h.deps.store.get(job.job_id);
  assert.equal(done?.status, 'failed');
  assert.equal(done?.error?.code, 'codex_error');
  assert.match(done!.error!.message, /\/count: must be integer/);
  assert.equal(done?.result?.structured_output, undefined, 'no structured_output from an invalid message');
  assert.equal(done?.result?.final_message, '{"count":"three","label":"x"}', 'the message itself is kept for diagnosis');

  const valid = await h.submit({ prompt: 'matches schema [[final:{"count":3,"label":"x"}]]', output_schema: schema });
  await h.deliver(valid.message);
  const ok = await h.deps.store.get(valid.job.job_id);
  assert.equal(ok?.status, 'completed');
  assert.deepEqual(ok?.result?.structured_output, { count: 3, label: 'x' });
});

test('a codex binary that cannot start fails the job with internal', async () => {
  const broken = await processorHarness({ CODEX_BIN: '/nonexistent/codex' });
  try {
    const { job, message } = await broken.submit({ prompt: 'no binary' });
    await broken.deliver(message);
    const done = await broken.deps.store.get(job.job_id);
    assert.equal(done?.status, 'failed');
    assert.equal(done?.error?.code, 'internal');
    assert.match(done!.error!.message, /\/nonexistent\/codex/);
  } finally {
    await broken.close();
  }
});
