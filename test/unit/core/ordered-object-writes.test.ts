// writeUnlessNewer: an object ends as the highest order key's write whatever the interleaving. A
// store with GCS's generation preconditions (in memory) lets the race be placed exactly: a lower
// attempt's write that read the object before a higher attempt wrote it is refused (412), looks
// again, and gives up; a higher attempt replaces a lower one's object even when it raced it.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import type { BlobStore, ObjectVersion } from '../../../shared/blobs/blob-store.js';
import { attemptOfObject, attemptOrder, ORDER_METADATA, writeUnlessNewer } from '../../../shared/blobs/ordered-write.js';

type Store = Pick<BlobStore, 'version' | 'putIfGeneration'>;

function memoryStore(): { store: Store; objects: Map<string, { body: string; version: ObjectVersion }>; beforePut: { hook?: () => Promise<void> } } {
  const objects = new Map<string, { body: string; version: ObjectVersion }>();
  let generation = 0;
  const beforePut: { hook?: () => Promise<void> } = {};
  const store: Store = {
    version: async (_b, name) => objects.get(name)?.version ?? null,
    async putIfGeneration(_b, name, source, options) {
      const hook = beforePut.hook;
      beforePut.hook = undefined;
      await hook?.(); // another writer gets in between this writer's read and its write
      const chunks: Buffer[] = [];
      for await (const c of source) chunks.push(Buffer.from(c as Buffer));
      if ((objects.get(name)?.version.generation ?? '0') !== options.ifGeneration) return false;
      objects.set(name, { body: Buffer.concat(chunks).toString(), version: { generation: String(++generation), metadata: options.metadata } });
      return true;
    },
  };
  return { store, objects, beforePut };
}

const text = (s: string) => () => Readable.from([Buffer.from(s)]);

test('a lower attempt never replaces a higher attempt’s object, even when it read the object before the higher one wrote it', async () => {
  const { store, objects, beforePut } = memoryStore();
  beforePut.hook = async () => assert.equal(await writeUnlessNewer(store, 'b', 'o', attemptOrder(2), text('two'), 'text/plain'), true);
  assert.equal(await writeUnlessNewer(store, 'b', 'o', attemptOrder(1), text('one'), 'text/plain'), false, 'refused, then skipped');
  assert.equal(objects.get('o')?.body, 'two');
  assert.equal(attemptOfObject(objects.get('o')?.version.metadata), 2);
  assert.equal(await writeUnlessNewer(store, 'b', 'o', attemptOrder(1), text('one again'), 'text/plain'), false);
  assert.equal(objects.get('o')?.body, 'two');
});

test('a higher attempt replaces a lower one’s object, also when the lower one wrote between its read and its write', async () => {
  const { store, objects, beforePut } = memoryStore();
  beforePut.hook = async () => assert.equal(await writeUnlessNewer(store, 'b', 'o', attemptOrder(1), text('one'), 'text/plain'), true);
  assert.equal(await writeUnlessNewer(store, 'b', 'o', attemptOrder(2), text('two'), 'text/plain'), true);
  assert.equal(objects.get('o')?.body, 'two');
  assert.equal(objects.get('o')?.version.metadata[ORDER_METADATA], '000002');
  assert.equal(await writeUnlessNewer(store, 'b', 'o', attemptOrder(2), text('two, rewritten'), 'text/plain'), true, 'the same attempt may write again');
  assert.equal(objects.get('o')?.body, 'two, rewritten');
});

test('an object without a key (older jobs) has no attempt; keys compare as attempt numbers', async () => {
  assert.equal(attemptOfObject({}), null);
  assert.equal(attemptOfObject(undefined), null);
  assert.equal(attemptOrder(12) > attemptOrder(9), true, 'keys compare as numbers');
});
