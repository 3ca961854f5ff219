// JobRequest: strict fields, prompt bounds, timeout bounds, priority, metadata limits, session ids,
// callback URLs, and every bad field named at once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeIssues, jobRequestSchema, JobRequestSchema } from '../../../shared/jobs/job-request.js';

function issuesOf(input: unknown, schema = JobRequestSchema) {
  const parsed = schema.safeParse(input);
  assert.equal(parsed.success, false, `accepted ${JSON.stringify(input).slice(0, 200)}`);
  return describeIssues(parsed.error!);
}
function fieldsOf(input: unknown, schema = JobRequestSchema): string[] {
  return issuesOf(input, schema).map((i) => i.field);
}
function ok(input: unknown, schema = JobRequestSchema) {
  const parsed = schema.safeParse(input);
  assert.ok(parsed.success, `rejected: ${parsed.success ? '' : JSON.stringify(describeIssues(parsed.error))}`);
  return parsed.data;
}

describe('job request: strict fields', () => {
  it('rejects unknown fields and names each in a detail of its own', () => {
    const issues = issuesOf({ prompt: 'hi', foo: 1, bar_baz: true });
    const unknown = issues.filter((i) => /unknown field/.test(i.message));
    assert.deepEqual(unknown.map((i) => i.field).sort(), ['bar_baz', 'foo'], JSON.stringify(issues));
    assert.match(unknown.find((i) => i.field === 'foo')!.message, /unknown field: foo/);
  });

  it('needs a prompt', () => {
    assert.deepEqual(fieldsOf({}), ['prompt']);
    assert.deepEqual(fieldsOf({ prompt: 42 }), ['prompt']);
  });

  it('fills the defaults', () => {
    const r = ok({ prompt: 'hi' });
    assert.deepEqual(r, { prompt: 'hi', timeout_ms: 30_000, priority: 'normal', metadata: {} });
  });
});

describe('job request: prompt', () => {
  it('is trimmed', () => {
    assert.equal(ok({ prompt: '  \n write a file \t ' }).prompt, 'write a file');
  });
  it('rejects empty and whitespace-only prompts', () => {
    for (const prompt of ['', ' ', '\n\t  ']) {
      const issues = issuesOf({ prompt });
      assert.deepEqual(issues.map((i) => i.field), ['prompt']);
      assert.match(issues[0]!.message, /prompt/);
    }
  });
  it('accepts 100 000 characters and rejects 100 001', () => {
    assert.equal(ok({ prompt: 'a'.repeat(100_000) }).prompt.length, 100_000);
    assert.equal(ok({ prompt: `  ${'a'.repeat(100_000)}  ` }).prompt.length, 100_000, 'counted after trim');
    assert.deepEqual(fieldsOf({ prompt: 'a'.repeat(100_001) }), ['prompt']);
  });
});

describe('job request: timeout_ms', () => {
  it('is 1000 .. MAX_JOB_TIMEOUT_MS (default 480 000)', () => {
    assert.equal(ok({ prompt: 'x', timeout_ms: 1000 }).timeout_ms, 1000);
    assert.equal(ok({ prompt: 'x', timeout_ms: 480_000 }).timeout_ms, 480_000);
    assert.deepEqual(fieldsOf({ prompt: 'x', timeout_ms: 999 }), ['timeout_ms']);
    assert.deepEqual(fieldsOf({ prompt: 'x', timeout_ms: 480_001 }), ['timeout_ms']);
    assert.deepEqual(fieldsOf({ prompt: 'x', timeout_ms: 1500.5 }), ['timeout_ms']);
    assert.deepEqual(fieldsOf({ prompt: 'x', timeout_ms: '5000' }), ['timeout_ms']);
  });
  it('follows the configured ceiling', () => {
    const wide = jobRequestSchema(3_300_000);
    assert.equal(ok({ prompt: 'x', timeout_ms: 3_300_000 }, wide).timeout_ms, 3_300_000);
    assert.deepEqual(fieldsOf({ prompt: 'x', timeout_ms: 3_300_001 }, wide), ['timeout_ms']);
    const narrow = jobRequestSchema(5000);
    assert.deepEqual(fieldsOf({ prompt: 'x', timeout_ms: 5001 }, narrow), ['timeout_ms']);
  });
});

describe('job request: priority', () => {
  it('accepts the four priorities and nothing else', () => {
    for (const priority of ['low', 'normal', 'high', 'critical']) assert.equal(ok({ prompt: 'x', priority }).priority, priority);
    for (const priority of ['urgent', 'HIGH', '', 3]) assert.deepEqual(fieldsOf({ prompt: 'x', priority }), ['priority']);
  });
});

describe('job request: metadata', () => {
  const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
  it('holds at most 32 keys', () => {
    assert.equal(Object.keys(ok({ prompt: 'x', metadata: keys(32) }).metadata).length, 32);
    const issues = issuesOf({ prompt: 'x', metadata: keys(33) });
    assert.deepEqual(issues.map((i) => i.field), ['metadata']);
    assert.match(issues[0]!.message, /32/);
  });
  it('keys are at most 64 characters and values at most 1024', () => {
    ok({ prompt: 'x', metadata: { ['k'.repeat(64)]: 'v'.repeat(1024) } });
    assert.match(fieldsOf({ prompt: 'x', metadata: { ['k'.repeat(65)]: 'v' } }).join(), /^metadata/);
    assert.deepEqual(fieldsOf({ prompt: 'x', metadata: { a: 'v'.repeat(1025) } }), ['metadata.a']);
  });
  it('values are strings', () => {
    assert.deepEqual(fieldsOf({ prompt: 'x', metadata: { a: 1 } }), ['metadata.a']);
    assert.deepEqual(fieldsOf({ prompt: 'x', metadata: ['a'] }), ['metadata']);
  });
});

describe('job request: session_id', () => {
  it('matches [A-Za-z0-9_-]{1,128}', () => {
    assert.equal(ok({ prompt: 'x', session_id: 'Ab_9-z' }).session_id, 'Ab_9-z');
    ok({ prompt: 'x', session_id: 's'.repeat(128) });
    for (const session_id of ['', 's'.repeat(129), 'a b', 'a/b', '../x', 'é']) {
      assert.deepEqual(fieldsOf({ prompt: 'x', session_id }), ['session_id'], session_id);
    }
  });
});

describe('job request: callback_url', () => {
  it('must be an http(s) URL', () => {
    assert.equal(ok({ prompt: 'x', callback_url: 'https://example.com/hook' }).callback_url, 'https://example.com/hook');
    ok({ prompt: 'x', callback_url: 'http://example.com/hook' });
    for (const callback_url of ['ftp://example.com/x', 'javascript:alert(1)', 'not a url', 'file:///etc/passwd']) {
      const issues = issuesOf({ prompt: 'x', callback_url });
      assert.deepEqual(issues.map((i) => i.field), ['callback_url'], callback_url);
      assert.match(issues[0]!.message, /callback_url/);
    }
  });
});

describe('job request: other fields', () => {
  it('output_schema is an object and max_total_tokens a positive integer', () => {
    const r = ok({ prompt: 'x', output_schema: { type: 'object' }, max_total_tokens: 5000 });
    assert.deepEqual(r.output_schema, { type: 'object' });
    assert.equal(r.max_total_tokens, 5000);
    assert.deepEqual(fieldsOf({ prompt: 'x', output_schema: 'object' }), ['output_schema']);
    assert.deepEqual(fieldsOf({ prompt: 'x', max_total_tokens: 0 }), ['max_total_tokens']);
    assert.deepEqual(fieldsOf({ prompt: 'x', max_total_tokens: 1.5 }), ['max_total_tokens']);
  });
});

describe('describeIssues', () => {
  it('names every bad field at once, each message starting with its field', () => {
    const issues = issuesOf({ prompt: ' ', timeout_ms: 5, priority: 'urgent', session_id: 'a b', callback_url: 'ftp://x', metadata: { a: 1 }, extra: true });
    const fields = issues.map((i) => i.field);
    for (const f of ['prompt', 'timeout_ms', 'priority', 'session_id', 'callback_url', 'metadata.a', 'extra']) {
      assert.ok(fields.includes(f), `missing ${f} in ${JSON.stringify(fields)}`);
    }
    for (const issue of issues) assert.ok(issue.message.includes(issue.field), JSON.stringify(issue));
  });
  it('names the body when it is not an object', () => {
    assert.deepEqual(fieldsOf('just a string'), ['(body)']);
  });
});
