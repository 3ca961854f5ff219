// The body hash of Idempotency-Key ignores key order and whitespace but not values; keys are checked.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bodyHash, parseIdempotencyKey } from '../../../shared/api/idempotency.js';

test('the same JSON in another key order or spacing hashes the same; another value does not', () => {
  assert.equal(bodyHash(JSON.parse('{"a":1,"b":{"y":[1,2],"x":null}}')), bodyHash(JSON.parse('{ "b": {"x": null, "y": [1, 2]}, "a": 1 }')));
  assert.notEqual(bodyHash({ a: 1 }), bodyHash({ a: '1' }));
  assert.notEqual(bodyHash({ a: [1, 2] }), bodyHash({ a: [2, 1] }));
});

test('keys are 1..255 visible ASCII characters', () => {
  assert.equal(parseIdempotencyKey(undefined), undefined);
  assert.equal(parseIdempotencyKey('order-42'), 'order-42');
  for (const bad of ['', ' ', 'a b', 'é', 'x'.repeat(256)]) assert.throws(() => parseIdempotencyKey(bad), /Idempotency-Key/);
});
