// One `git diff --raw --numstat -z` gives both summaries of a job's changes: the split must find
// where the raw records end whatever the paths look like (renames, paths starting with ':').
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseNumstat, parseRawDiff, splitRawAndNumstat } from '../../../shared/workspace/collect-changes.js';

test('raw records and numstat records are told apart, renames and a path that starts with ":" included', () => {
  const out = [
    ':100644 100644 587be6b b77b4eb M', ':odd name.txt',
    ':100644 100644 422c2b7 422c2b7 R100', 'a.txt', 'moved.txt',
    ':000000 100644 0000000 3e75765 A', 'n.txt',
    '1\t0\t:odd name.txt',
    '0\t0\t', 'a.txt', 'moved.txt',
    '-\t-\tn.txt',
    '',
  ].join('\0');
  const { raw, numstat } = splitRawAndNumstat(out);
  assert.deepEqual(parseRawDiff(raw), [
    { path: ':odd name.txt', change: 'modified' },
    { path: 'moved.txt', change: 'renamed', old_path: 'a.txt' },
    { path: 'n.txt', change: 'added' },
  ]);
  assert.deepEqual(parseNumstat(numstat), { insertions: 1, deletions: 0 });
});

test('no changes: both parts empty', () => {
  assert.deepEqual(splitRawAndNumstat(''), { raw: '', numstat: '' });
});
