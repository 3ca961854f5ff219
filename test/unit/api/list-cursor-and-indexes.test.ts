// The list cursor is opaque and checked; every filter combination the list can run has its
// composite index in firestore.indexes.json (the emulator does not enforce indexes; production does).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { ApiError } from '../../../shared/api/api-error.js';
import { decodeCursor, encodeCursor, LIST_FILTER_FIELDS, listIndexFields } from '../../../shared/api/list-jobs.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
type Index = { collectionGroup: string; queryScope: string; fields: { fieldPath: string; order: string }[] };
const indexes = (JSON.parse(readFileSync(path.join(repo, 'firestore.indexes.json'), 'utf8')) as { indexes: Index[] }).indexes;

test('a cursor round-trips and a forged one is a 400', () => {
  const id = '0b6f3c1e-8a52-4d1f-9e3a-2f4b5c6d7e8f';
  const c = encodeCursor({ created_at: '2030-01-01T00:00:00.000Z', job_id: id });
  assert.match(c, /^[A-Za-z0-9_-]+$/);
  assert.deepEqual(decodeCursor(c), ['2030-01-01T00:00:00.000Z', id]);
  const forged = (parts: unknown) => Buffer.from(JSON.stringify(parts)).toString('base64url');
  for (const bad of [
    '',
    'x',
    Buffer.from('{"a":1}').toString('base64url'),
    Buffer.from('[1,2]').toString('base64url'),
    forged(['2030-01-01T00:00:00.000Z', 'jobs/other']), // a `/` names a path: Firestore would throw
    forged(['2030-01-01T00:00:00.000Z', 'a/b/c/d']),
    forged(['2030-01-01T00:00:00.000Z', 'abc']),
    forged(['not a time', id]),
  ]) {
    assert.throws(() => decodeCursor(bad), ApiError);
  }
});

test('every combination of list filters has a composite index ending in created_at DESC', () => {
  for (let mask = 1; mask < 1 << LIST_FILTER_FIELDS.length; mask++) {
    const filters = Object.fromEntries(LIST_FILTER_FIELDS.filter((_, i) => mask & (1 << i)).map((f) => [f, 'x']));
    const fields = listIndexFields(filters);
    const wanted = [...fields.map((f) => `${f}:ASCENDING`), 'created_at:DESCENDING'].join(',');
    const found = indexes.some((i) => i.collectionGroup === 'jobs' && i.queryScope === 'COLLECTION' && i.fields.map((f) => `${f.fieldPath}:${f.order}`).join(',') === wanted);
    assert.ok(found, `missing index ${wanted}`);
  }
});

test('the per-owner stats counts have their indexes', () => {
  for (const field of ['status', 'priority', 'source']) {
    assert.ok(indexes.some((i) => i.fields.map((f) => f.fieldPath).join(',') === `owner,${field}`), field);
  }
});
