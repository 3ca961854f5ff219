// verdict(): what a Codex turn's outcome means for the job (terminal status, error, structured output).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TurnOutcome } from '../../../shared/codex/run-turn.js';
import { newJobDocument, ZERO_USAGE, type JobDocument } from '../../../shared/jobs/job-document.js';
import { jobErrorSchema } from '../../../shared/jobs/job-error.js';
import { verdict } from '../../../shared/processor/job-verdict.js';
import { jobSpec } from '../../support/job-spec.js';

function job(overrides: Partial<JobDocument> = {}): JobDocument {
  const doc = newJobDocument(jobSpec({ job_id: 'job-verdict-1', prompt: 'do it', timeout_ms: 45_000 }), 30);
  return { ...doc, status: 'processing', ...overrides };
}

function outcome(overrides: Partial<TurnOutcome> = {}): TurnOutcome {
  return { status: 'completed', finalMessage: 'All done.', threadId: 'thr_1', usage: ZERO_USAGE, commandOutput: '', stderr: '', durationMs: 10, ...overrides };
}

describe('verdict', () => {
  it('a completed turn completes the job with no error', () => {
    assert.deepEqual(verdict(job(), outcome()), { status: 'completed', error: null });
  });

  it('a failed turn fails the job with codex_error and the message', () => {
    const v = verdict(job(), outcome({ status: 'failed', errorMessage: 'model answered 500: scripted model error 500' }));
    assert.equal(v.status, 'failed');
    assert.deepEqual(v.error, { code: 'codex_error', message: 'model answered 500: scripted model error 500' });
  });

  it('a failed turn without a message still says codex_error with a message', () => {
    const v = verdict(job(), outcome({ status: 'failed' }));
    assert.equal(v.error?.code, 'codex_error');
    assert.ok(v.error!.message.length > 0);
  });

  it('a turn stopped by a cancel cancels the job', () => {
    assert.deepEqual(verdict(job(), outcome({ status: 'stopped', stop: 'cancel' })), { status: 'cancelled', error: null });
  });

  it('a turn stopped by the timeout fails with timeout naming timeout_ms', () => {
    const v = verdict(job(), outcome({ status: 'stopped', stop: 'timeout' }));
    assert.equal(v.status, 'failed');
    assert.equal(v.error?.code, 'timeout');
    assert.match(v.error!.message, /timeout_ms/);
    assert.match(v.error!.message, /45000/);
  });

  it('a turn stopped by the budget fails with budget_exceeded naming the numbers', () => {
    const v = verdict(job({ max_total_tokens: 500 }), outcome({ status: 'stopped', stop: 'budget', usage: { ...ZERO_USAGE, total_tokens: 812 } }));
    assert.equal(v.status, 'failed');
    assert.equal(v.error?.code, 'budget_exceeded');
    assert.match(v.error!.message, /812/);
    assert.match(v.error!.message, /500/);
  });

  it('with output_schema, valid JSON becomes the structured output', () => {
    const schema = { type: 'object', properties: { answer: { type: 'number' } } };
    const v = verdict(job({ output_schema: schema }), outcome({ finalMessage: '{"answer":42,"items":["a"]}' }));
    assert.equal(v.status, 'completed');
    assert.equal(v.error, null);
    assert.deepEqual(v.structured, { answer: 42, items: ['a'] });
  });

  it('with output_schema, invalid JSON fails with codex_error naming the problem', () => {
    const v = verdict(job({ output_schema: { type: 'object' } }), outcome({ finalMessage: 'Sure! Here it is: {answer: 42' }));
    assert.equal(v.status, 'failed');
    assert.equal(v.error?.code, 'codex_error');
    assert.match(v.error!.message, /output_schema/);
    assert.match(v.error!.message, /JSON/);
    assert.equal(v.structured, undefined);
  });

  it('with output_schema, JSON that violates the schema fails with codex_error naming the first violation\'s path', () => {
    const schema = { type: 'object', properties: { count: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } }, required: ['count'], additionalProperties: false };
    const wrongType = verdict(job({ output_schema: schema }), outcome({ finalMessage: '{"count":1.5}' }));
    assert.equal(wrongType.status, 'failed');
    assert.equal(wrongType.error?.code, 'codex_error');
    assert.match(wrongType.error!.message, /output_schema: \/count: must be integer$/);
    assert.equal(wrongType.structured, undefined);
    assert.match(verdict(job({ output_schema: schema }), outcome({ finalMessage: '{"count":1,"tags":["a",2]}' })).error!.message, /\/tags\/1: must be string/);
    assert.match(verdict(job({ output_schema: schema }), outcome({ finalMessage: '{}' })).error!.message, /\/: must have required property 'count'/);
    assert.match(verdict(job({ output_schema: schema }), outcome({ finalMessage: '{"count":1,"extra":true}' })).error!.message, /must NOT have additional properties \(extra\)/);
    assert.deepEqual(verdict(job({ output_schema: schema }), outcome({ finalMessage: '{"count":3,"tags":["x"]}' })), { status: 'completed', error: null, structured: { count: 3, tags: ['x'] } });
  });

  it('with a draft 2020-12 output_schema (and formats), the same rules hold', () => {
    const schema = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { at: { type: 'string', format: 'date-time' }, pair: { type: 'array', prefixItems: [{ type: 'number' }, { type: 'string' }] } } };
    assert.equal(verdict(job({ output_schema: schema }), outcome({ finalMessage: '{"at":"2026-12-06T20:00:00Z","pair":[1,"a"]}' })).status, 'completed');
    assert.match(verdict(job({ output_schema: schema }), outcome({ finalMessage: '{"at":"yesterday"}' })).error!.message, /\/at: must match format "date-time"/);
    assert.match(verdict(job({ output_schema: schema }), outcome({ finalMessage: '{"pair":["a","a"]}' })).error!.message, /\/pair\/0: must be number/);
  });

  it('without output_schema, a JSON-looking final message is not parsed', () => {
    assert.equal(verdict(job(), outcome({ finalMessage: '{"a":1}' })).structured, undefined);
  });

  it('every error it gives is a valid job error', () => {
    const outcomes = [
      outcome({ status: 'failed', errorMessage: 'x' }),
      outcome({ status: 'stopped', stop: 'timeout' }),
      outcome({ status: 'stopped', stop: 'budget' }),
    ];
    for (const o of outcomes) {
      const v = verdict(job({ max_total_tokens: 10 }), o);
      assert.ok(jobErrorSchema.safeParse(v.error).success, JSON.stringify(v.error));
    }
  });
});
