// QUOTAS: parsed and validated at start; a key's own entry, else the * entry, else none.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, parseConfig } from '../../../shared/config.js';
import { quotasFor } from '../../../shared/usage/quotas.js';

describe('QUOTAS', () => {
  it('parses entries, with * for every key without its own', () => {
    const { QUOTAS } = parseConfig({ QUOTAS: 'alice:tokens_per_day=1000,jobs_per_day=5; *:tokens_per_month=50000,concurrent_jobs=1' });
    assert.deepEqual(quotasFor(QUOTAS, 'alice'), { tokens_per_day: 1000, jobs_per_day: 5 });
    assert.deepEqual(quotasFor(QUOTAS, 'bob'), { tokens_per_month: 50000, concurrent_jobs: 1 });
  });
  it('is no quota at all when unset', () => {
    assert.deepEqual(quotasFor(parseConfig({}).QUOTAS, 'alice'), {});
  });
  for (const [value, fragment] of [
    ['alice', 'name:key=value'],
    ['alice:tokens_per_hour=5', 'unknown quota "tokens_per_hour"'],
    ['alice:tokens_per_day=0', 'at least 1'],
    ['alice:tokens_per_day=-1', 'whole number'],
    ['alice:tokens_per_day=1.5', 'whole number'],
    ['alice:tokens_per_day=1,tokens_per_day=2', 'set twice'],
    ['alice:jobs_per_day=1;alice:jobs_per_day=2', 'two entries'],
    ['a b:jobs_per_day=1', 'name:key=value'],
  ] as const) {
    it(`refuses ${JSON.stringify(value)} naming the variable`, () => {
      assert.throws(
        () => parseConfig({ QUOTAS: value }),
        (err: Error) => err instanceof ConfigError && err.message.includes('QUOTAS=') && err.message.includes(fragment),
      );
    });
  }
});
