// A request Firestore cannot store is rejected by the JobRequest schema itself (POST /jobs, prompt-file
// front matter and schedule payloads share it), with an issue that names the field: nesting deeper
// than 20 levels, empty or reserved keys, arrays in arrays, and a request too big for the document.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FIRESTORE_MAX_DEPTH, firestoreSize, MAX_STORED_REQUEST_BYTES } from '../../../shared/jobs/firestore-limits.js';
import { describeIssues, jobRequestSchema } from '../../../shared/jobs/job-request.js';
import { promptFileRequest } from '../../../shared/intake/prompt-file.js';
import { parseSchedules, ScheduleFileError } from '../../../shared/intake/schedules.js';

const schema = jobRequestSchema(480_000);
/** `levels` maps nested inside each other, the innermost holding a string. */
const nested = (levels: number): Record<string, unknown> => (levels === 1 ? { type: 'string' } : { properties: nested(levels - 1) });

function problems(body: unknown) {
  const r = schema.safeParse(body);
  return r.success ? [] : describeIssues(r.error);
}

describe('Firestore limits in the JobRequest schema', () => {
  it(`accepts an output_schema nested ${FIRESTORE_MAX_DEPTH} levels and rejects ${FIRESTORE_MAX_DEPTH + 1}, naming the deepest path`, () => {
    assert.deepEqual(problems({ prompt: 'x', output_schema: nested(FIRESTORE_MAX_DEPTH) }), []);
    const [issue, ...rest] = problems({ prompt: 'x', output_schema: nested(FIRESTORE_MAX_DEPTH + 1) });
    assert.equal(rest.length, 0);
    assert.match(issue!.field, /^output_schema(\.properties){20}$/);
    assert.match(issue!.message, /deeper than Firestore stores \(at most 20 levels\)/);
  });

  it('rejects empty keys and __reserved__ keys in output_schema, and arrays directly in arrays', () => {
    assert.deepEqual(problems({ prompt: 'x', output_schema: { properties: { '': { type: 'string' } } } }).map((p) => p.field), ['output_schema.properties']);
    assert.match(problems({ prompt: 'x', output_schema: { properties: { '': {} } } })[0]!.message, /empty key/);
    assert.deepEqual(problems({ prompt: 'x', output_schema: { __name__: 1 } }).map((p) => p.field), ['output_schema.__name__']);
    assert.deepEqual(problems({ prompt: 'x', output_schema: { enum: [[1, 2]] } }).map((p) => p.field), ['output_schema.enum.0']);
    assert.deepEqual(problems({ prompt: 'x', output_schema: { enum: [{ a: [1] }], 'a.b': 1, '`': 2 } }), [], 'dots and backticks are fine in stored keys');
  });

  it('rejects an empty metadata key, naming metadata', () => {
    const [issue] = problems({ prompt: 'x', metadata: { '': 'v' } });
    assert.match(issue!.field, /^metadata/);
  });

  it('rejects a request too large for the job document, naming its largest field; the largest legal prompt fits', () => {
    assert.deepEqual(problems({ prompt: '😀'.repeat(50_000) }), [], '100 000 UTF-16 units of 4-byte characters');
    const big = { properties: Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`p${i}`, { description: 'd'.repeat(2000) }])) };
    assert.ok(firestoreSize(big) > 700_000);
    const [issue] = problems({ prompt: 'x', output_schema: big });
    assert.equal(issue!.field, 'output_schema');
    assert.match(issue!.message, new RegExp(`at most ${MAX_STORED_REQUEST_BYTES}`));
  });

  it('applies to prompt-file front matter', () => {
    const deep = JSON.stringify(nested(FIRESTORE_MAX_DEPTH + 1));
    const out = promptFileRequest(Buffer.from(`---\noutput_schema: ${deep}\n---\nDo it.\n`), { label: 'a.prompt', metadata: {}, maxTimeoutMs: 480_000 });
    assert.equal(out.ok, false);
    assert.match(!out.ok ? out.message : '', /output_schema(\.properties)+: nests maps and arrays deeper than Firestore stores/);
    const empty = promptFileRequest(Buffer.from(`---\noutput_schema: {"properties": {"": {}}}\n---\nDo it.\n`), { label: 'a.prompt', metadata: {}, maxTimeoutMs: 480_000 });
    assert.match(!empty.ok ? empty.message : '', /output_schema\.properties: has an empty key/);
  });

  it('applies to schedule payloads', () => {
    const entry = { name: 'deep', cron: '0 3 * * *', time_zone: 'Etc/UTC', request: { prompt: 'x', output_schema: { properties: { '': {} } } } };
    assert.throws(() => parseSchedules([entry], 480_000), (err: Error) => err instanceof ScheduleFileError && /deep/.test(err.message) && /output_schema\.properties: has an empty key/.test(err.message));
  });
});
