// Derived job ids: stable per parts, distinct across parts (no ambiguous joins), UUID v4 shaped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { derivedJobId, JOB_ID_PATTERN, newJobId } from '../../../shared/jobs/job-id.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('derivedJobId', () => {
  it('is the same for the same parts, across calls', () => {
    const a = derivedJobId('uploads', 'prompts/a.codex', '1712345678');
    assert.equal(derivedJobId('uploads', 'prompts/a.codex', '1712345678'), a);
  });

  it('differs when any part differs', () => {
    const base = derivedJobId('uploads', 'prompts/a.codex', '1');
    assert.notEqual(derivedJobId('uploads', 'prompts/a.codex', '2'), base);
    assert.notEqual(derivedJobId('uploads', 'prompts/b.codex', '1'), base);
    assert.notEqual(derivedJobId('uploads2', 'prompts/a.codex', '1'), base);
    assert.notEqual(derivedJobId('uploads', 'prompts/a.codex', '1', 'entry.codex'), base);
  });

  it('does not confuse ambiguous joins of the parts', () => {
    const ids = [
      derivedJobId('a', 'bc'),
      derivedJobId('ab', 'c'),
      derivedJobId('abc'),
      derivedJobId('abc', ''),
      derivedJobId('', 'abc'),
      derivedJobId('a|b', 'c'),
      derivedJobId('a', 'b|c'),
      derivedJobId('1:a', ''),
      derivedJobId('1:a|0:'),
    ];
    assert.equal(new Set(ids).size, ids.length, JSON.stringify(ids));
  });

  it('has the UUID v4 shape and matches JOB_ID_PATTERN', () => {
    for (const parts of [['a'], ['sched', 'msg-1'], ['x'.repeat(10_000)], ['ünïcødé', '日本']]) {
      const id = derivedJobId(...parts);
      assert.match(id, UUID_V4);
      assert.match(id, JOB_ID_PATTERN);
    }
  });

  it('spreads many ids without collisions', () => {
    const ids = new Set(Array.from({ length: 2000 }, (_, i) => derivedJobId('bucket', `file-${i}`)));
    assert.equal(ids.size, 2000);
  });
});

describe('newJobId', () => {
  it('is a fresh UUID v4 matching JOB_ID_PATTERN', () => {
    const a = newJobId();
    assert.match(a, UUID_V4);
    assert.match(a, JOB_ID_PATTERN);
    assert.notEqual(newJobId(), a);
  });
});

describe('JOB_ID_PATTERN', () => {
  it('refuses other shapes', () => {
    for (const bad of ['', 'abc', '../etc/passwd', 'A0000000-0000-4000-8000-000000000000', '00000000-0000-4000-8000-0000000000000']) {
      assert.doesNotMatch(bad, JOB_ID_PATTERN, bad);
    }
  });
});
