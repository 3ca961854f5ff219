// Every query the sweeper runs has its composite index in firestore.indexes.json (the emulator does
// not enforce indexes; production does, and a missing one fails the query).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { RECOVERY_INDEXES } from '../../../shared/store/firestore-recovery-store.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
type Index = { collectionGroup: string; queryScope: string; fields: { fieldPath: string; order: string }[] };
const indexes = (JSON.parse(readFileSync(path.join(repo, 'firestore.indexes.json'), 'utf8')) as { indexes: Index[] }).indexes;

test('the sweeper queries run on composite indexes of the jobs collection', () => {
  for (const wanted of RECOVERY_INDEXES) {
    const key = wanted.map(([f, o]) => `${f}:${o}`).join(',');
    assert.ok(indexes.some((i) => i.collectionGroup === 'jobs' && i.queryScope === 'COLLECTION' && i.fields.map((f) => `${f.fieldPath}:${f.order}`).join(',') === key), `missing index ${key}`);
  }
  const source = readFileSync(path.join(repo, 'shared/store/firestore-recovery-store.ts'), 'utf8');
  for (const field of ['lease.expires_at', 'requeue_at', 'started_at', 'created_at', 'result_due_at', 'callback.state', 'result_sent_at']) assert.ok(source.includes(`'${field}'`), `the store queries ${field}`);
});
