// The claim's session-order query (owner, session_id, status in […], created_at ≤, ordered by
// created_at) has its composite index in firestore.indexes.json: the emulator does not enforce
// indexes, production fails the query (and so every claim of a session job) without it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { SESSION_ORDER_INDEX } from '../../../shared/store/session-order.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
type Index = { collectionGroup: string; queryScope: string; fields: { fieldPath: string; order: string }[] };
const indexes = (JSON.parse(readFileSync(path.join(repo, 'firestore.indexes.json'), 'utf8')) as { indexes: Index[] }).indexes;

test('the session-order query of the claim runs on a composite index of the jobs collection', () => {
  const key = SESSION_ORDER_INDEX.map(([f, o]) => `${f}:${o}`).join(',');
  assert.ok(indexes.some((i) => i.collectionGroup === 'jobs' && i.queryScope === 'COLLECTION' && i.fields.map((f) => `${f.fieldPath}:${f.order}`).join(',') === key), `missing index ${key}`);
  const source = readFileSync(path.join(repo, 'shared/store/session-order.ts'), 'utf8');
  for (const [field] of SESSION_ORDER_INDEX) assert.ok(source.includes(`.where('${field}'`), `the query filters on ${field}`);
  assert.ok(source.includes(".orderBy('created_at')"));
});
