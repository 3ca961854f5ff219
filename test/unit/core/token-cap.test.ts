// The cap at start: the lower of the job's own max_total_tokens and the owner's remainder.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { capTokens } from '../../../shared/usage/token-cap.js';

test('no token quota leaves the job as it is', () => {
  assert.deepEqual(capTokens(500, undefined), { max_total_tokens: 500 });
  assert.deepEqual(capTokens(null, undefined), { max_total_tokens: null });
});
test('a budget within the remainder stays', () => {
  assert.deepEqual(capTokens(300, 400), { max_total_tokens: 300 });
});
test('a budget over the remainder, or none, is capped and says so', () => {
  assert.deepEqual(capTokens(1000, 400), { max_total_tokens: 400, capped_by_quota: { remaining: 400, requested: 1000 } });
  assert.deepEqual(capTokens(null, 400), { max_total_tokens: 400, capped_by_quota: { remaining: 400, requested: null } });
});
test('nothing left: exhausted, the job must not run', () => {
  assert.equal(capTokens(null, 0).exhausted, true);
});
