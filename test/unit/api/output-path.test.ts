// Output paths from the URL stay inside the job's outputs folder whatever the spelling.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../../../shared/api/api-error.js';
import { outputObjectName, outputUrlPath } from '../../../shared/api/output-path.js';

test('a relative path maps under jobs/{id}/outputs/', () => {
  assert.equal(outputObjectName('j1', 'src/main.py'), 'jobs/j1/outputs/src/main.py');
  assert.equal(outputObjectName('j1', 'a b/ü.txt'), 'jobs/j1/outputs/a b/ü.txt');
  assert.equal(outputObjectName('j1', '..hidden/x..y'), 'jobs/j1/outputs/..hidden/x..y');
});

test('every escaping spelling is a 400', () => {
  for (const p of ['', '/etc/passwd', '..', '../x', 'a/../../b', 'a/./b', 'a//b', 'a/', 'a\\..\\b', 'a\u0000b', '%2e%2e/x', 'a%2fb', 'x'.repeat(1025)]) {
    assert.throws(() => outputObjectName('j1', p), (e: unknown) => e instanceof ApiError && e.status === 400, JSON.stringify(p));
  }
});

test('download urls encode each segment', () => {
  assert.equal(outputUrlPath('j1', 'src/a b#?.py'), '/jobs/j1/outputs/src/a%20b%23%3F.py');
});
