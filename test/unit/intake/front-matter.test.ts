// Prompt-file front matter: a leading YAML block sets JobRequest fields, parsed in the yaml
// library's safe mode and validated by the same schema as POST /jobs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrontMatterError, splitFrontMatter } from '../../../shared/intake/front-matter.js';
import { promptFileRequest } from '../../../shared/intake/prompt-file.js';

const ctx = { label: 'prompts/fix.prompt', metadata: { source: 'file_upload', original_filename: 'prompts/fix.prompt', bucket: 'b' }, maxTimeoutMs: 480_000 };
const request = (text: string) => promptFileRequest(Buffer.from(text, 'utf8'), ctx);

test('a file without front matter is all prompt', () => {
  assert.deepEqual(splitFrontMatter('Fix the bug.\n---\nnot front matter\n'), { frontMatter: null, body: 'Fix the bug.\n---\nnot front matter\n' });
});

test('the block between the first two --- lines is YAML; the rest is the prompt (LF and CRLF)', () => {
  for (const nl of ['\n', '\r\n']) {
    const text = ['---', 'priority: high', 'timeout_ms: 60000', 'metadata:', '  team: infra', '---', 'Fix the bug.', ''].join(nl);
    const split = splitFrontMatter(text);
    assert.deepEqual(split.frontMatter, { priority: 'high', timeout_ms: 60000, metadata: { team: 'infra' } });
    assert.equal(split.body.trim(), 'Fix the bug.');
  }
});

test('front matter sets every JobRequest option it names', () => {
  const out = request(
    [
      '---',
      'priority: critical',
      'timeout_ms: 240000',
      'callback_url: https://hooks.example.com/codex',
      'session_id: nightly-1',
      'max_total_tokens: 5000',
      'metadata: {ticket: "ABC-1"}',
      'output_schema:',
      '  type: object',
      '  properties: {ok: {type: boolean}}',
      '---',
      'Do it.',
    ].join('\n'),
  );
  assert.ok(out.ok, JSON.stringify(out));
  assert.equal(out.request.priority, 'critical');
  assert.equal(out.request.timeout_ms, 240000);
  assert.equal(out.request.callback_url, 'https://hooks.example.com/codex');
  assert.equal(out.request.session_id, 'nightly-1');
  assert.equal(out.request.max_total_tokens, 5000);
  assert.deepEqual(out.request.output_schema, { type: 'object', properties: { ok: { type: 'boolean' } } });
  assert.equal(out.request.prompt, 'Do it.');
  // The intake's own keys are kept and win over the uploader's.
  assert.deepEqual(out.request.metadata, { ticket: 'ABC-1', source: 'file_upload', original_filename: 'prompts/fix.prompt', bucket: 'b' });
});

test('an unknown key or a bad value fails with a message naming the field', () => {
  const unknown = request('---\npriority: high\nretries: 3\n---\nDo it.');
  assert.equal(unknown.ok, false);
  assert.match(!unknown.ok ? unknown.message : '', /^prompts\/fix\.prompt: invalid job options: unknown field: retries$/);
  const badTimeout = request('---\ntimeout_ms: 99999999\n---\nDo it.');
  assert.match(!badTimeout.ok ? badTimeout.message : '', /timeout_ms: /);
  const badPriority = request('---\npriority: urgent\n---\nDo it.');
  assert.match(!badPriority.ok ? badPriority.message : '', /priority: /);
  const badUrl = request('---\ncallback_url: not a url\n---\nDo it.');
  assert.match(!badUrl.ok ? badUrl.message : '', /callback_url/);
  const badMetadata = request('---\nmetadata: [a, b]\n---\nDo it.');
  assert.match(!badMetadata.ok ? badMetadata.message : '', /metadata: /);
  const prompt = request('---\nprompt: sneaky\n---\nDo it.');
  assert.match(!prompt.ok ? prompt.message : '', /front matter: prompt: /);
});

test('safe mode: custom tags, aliases, merge keys and duplicate keys are refused', () => {
  for (const [yaml, why] of [
    ['run: !!js/function "function () { return 1 }"', /Unresolved tag/],
    ['cmd: !shell rm -rf /', /Unresolved tag/],
    ['a: &x 1\nb: *x', /aliases are not allowed/],
    ['priority: low\npriority: high', /unique/],
  ] as const) {
    assert.throws(() => splitFrontMatter(`---\n${yaml}\n---\nbody`), (err: Error) => err instanceof FrontMatterError && why.test(err.message), yaml);
  }
  // A merge key is just an (unknown) key, never a merge.
  const merged = request('---\n<<: {priority: high}\n---\nDo it.');
  assert.equal(merged.ok, false);
  assert.match(!merged.ok ? merged.message : '', /unknown field: <</);
});

test('broken front matter: unclosed block, a list instead of keys, invalid YAML', () => {
  assert.throws(() => splitFrontMatter('---\npriority: high\nDo it.'), /no closing "---" line/);
  assert.throws(() => splitFrontMatter('---\n- a\n- b\n---\nDo it.'), /mapping/);
  assert.throws(() => splitFrontMatter('---\npriority: [high\n---\nDo it.'), /not valid YAML/);
  const out = request('---\npriority: high\nDo it.');
  assert.match(!out.ok ? out.message : '', /^prompts\/fix\.prompt: front matter starts with "---"/);
});

test('an empty front matter block is allowed', () => {
  const out = request('---\n---\nDo it.');
  assert.ok(out.ok);
  assert.equal(out.request.priority, 'low');
});
