// A dropped .codex/.prompt file → JobRequest: defaults of bucket drops and the bad-file messages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultTimeoutForSize } from '../../../shared/intake/intake-limits.js';
import { isPromptFileName, promptFileRequest } from '../../../shared/intake/prompt-file.js';

const ctx = { label: 'drop/a.codex', metadata: { source: 'file_upload', original_filename: 'drop/a.codex', bucket: 'up' }, maxTimeoutMs: 480_000 };

test('which names are prompt files', () => {
  for (const name of ['a.prompt', 'prompts/fix-bug.prompt', 'x.codex', 'DIR/Y.CODEX']) assert.ok(isPromptFileName(name), name);
  for (const name of ['a.txt', 'a.prompt.txt', '.prompt', 'dir/.codex', 'a.zip', 'codex', 'aprompt']) assert.ok(!isPromptFileName(name), name);
});

test('defaults: priority low, metadata of the upload, timeout by size (≤1000 B 30 s, ≤10000 B 120 s, else 300 s)', () => {
  const cases: [number, number][] = [
    [1, 30_000],
    [1_000, 30_000],
    [1_001, 120_000],
    [10_000, 120_000],
    [10_001, 300_000],
    [400_000, 300_000],
  ];
  for (const [size, timeout] of cases) {
    assert.equal(defaultTimeoutForSize(size, 480_000), timeout, `${size} B`);
    const bytes = Buffer.alloc(size, 'a');
    const out = promptFileRequest(bytes, ctx);
    if (size <= 100_000) {
      assert.ok(out.ok, `${size} B`);
      assert.equal(out.request.timeout_ms, timeout, `${size} B`);
      assert.equal(out.request.priority, 'low');
      assert.deepEqual(out.request.metadata, ctx.metadata);
      assert.equal(out.request.callback_url, undefined);
    }
  }
  // The size default never passes the configured ceiling.
  assert.equal(defaultTimeoutForSize(50_000, 60_000), 60_000);
  assert.equal(promptFileRequest(Buffer.alloc(20_000, 'a'), { ...ctx, maxTimeoutMs: 60_000 }).ok, true);
});

test('the prompt is the file text, trimmed, with a UTF-8 BOM dropped', () => {
  const out = promptFileRequest(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('  Fix the flaky test in ünïcode.\n\n', 'utf8')]), ctx);
  assert.ok(out.ok);
  assert.equal(out.request.prompt, 'Fix the flaky test in ünïcode.');
});

test('bad files get a clear message naming the file', () => {
  const cases: [Buffer, RegExp][] = [
    [Buffer.alloc(0), /^drop\/a\.codex: the file is empty/],
    [Buffer.from(' \n\t\n'), /only whitespace/],
    [Buffer.from([0x46, 0x69, 0x78, 0xff, 0xfe, 0x20]), /^drop\/a\.codex: the file is not UTF-8 text/],
    [Buffer.from([0xc3, 0x28]), /not UTF-8/],
    [Buffer.from('---\npriority: high\n---\n\n  \n'), /front matter but no prompt text/],
    [Buffer.from('x'.repeat(100_001)), /prompt: prompt is at most 100000 characters/],
  ];
  for (const [bytes, message] of cases) {
    const out = promptFileRequest(bytes, ctx);
    assert.equal(out.ok, false);
    assert.match(!out.ok ? out.message : '', message);
  }
  // exactly 100 000 characters is still fine
  assert.equal(promptFileRequest(Buffer.from('x'.repeat(100_000)), ctx).ok, true);
});
