// Event batches are capped in bytes as well as in writes: events of up to EVENT_MAX_BYTES each, many
// at once, go in commits of at most EVENT_BATCH_BYTES (Firestore refuses a request over 10 MiB), so
// none has to fail first and be written again event by event. event-caps.test.ts cannot show this:
// there the fallback stores every event either way, so an uncapped batch passed it too.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Firestore } from '@google-cloud/firestore';
import { EVENT_MAX_BYTES } from '../../../shared/processor/event-limits.js';
import { EVENT_BATCH_BYTES, EVENT_BATCH_WRITES, FirestoreJobStore } from '../../../shared/store/firestore-job-store.js';

const REQUEST_LIMIT = 10 * 1024 * 1024;

/** Only what appendEvents calls: doc paths, batch set/commit and single sets, each recorded. */
function recordingDb() {
  const commits: { writes: number; bytes: number }[] = [];
  let singleWrites = 0;
  const doc = (path: string): unknown => ({ path, collection: (c: string) => ({ doc: (id: string) => doc(`${path}/${c}/${id}`) }), set: async () => void singleWrites++ });
  const db = {
    collection: (c: string) => ({ doc: (id: string) => doc(`${c}/${id}`) }),
    batch: () => {
      const data: unknown[] = [];
      return {
        set: (_ref: unknown, d: unknown) => data.push(d),
        commit: async () => {
          const bytes = Buffer.byteLength(JSON.stringify(data));
          if (bytes > REQUEST_LIMIT) throw new Error(`3 INVALID_ARGUMENT: request payload size exceeds the limit: ${REQUEST_LIMIT} bytes`);
          commits.push({ writes: data.length, bytes });
        },
      };
    },
  };
  return { db: db as unknown as Firestore, commits, singleWrites: () => singleWrites };
}

test('60 events of almost EVENT_MAX_BYTES each: every commit within EVENT_BATCH_BYTES, none written one by one', async () => {
  const { db, commits, singleWrites } = recordingDb();
  const at = new Date().toISOString();
  const events = Array.from({ length: 60 }, (_, i) => ({ seq: i, type: 'command', at, data: { output: 'z'.repeat(EVENT_MAX_BYTES - 200) } }));
  await new FirestoreJobStore(db).appendEvents('job-1', events);
  assert.equal(singleWrites(), 0, 'no batch had to be written again event by event');
  assert.equal(commits.reduce((n, c) => n + c.writes, 0), 60);
  for (const c of commits) assert.ok(c.bytes <= EVENT_BATCH_BYTES + 64 * 1024, `a commit of ${c.bytes} bytes (cap ${EVENT_BATCH_BYTES})`);
});

test('many small events: commits of at most EVENT_BATCH_WRITES writes', async () => {
  const { db, commits } = recordingDb();
  const at = new Date().toISOString();
  await new FirestoreJobStore(db).appendEvents('job-2', Array.from({ length: 1000 }, (_, i) => ({ seq: i, type: 'progress', at, data: { n: i } })));
  assert.deepEqual(
    commits.map((c) => c.writes),
    [EVENT_BATCH_WRITES, EVENT_BATCH_WRITES, 1000 - 2 * EVENT_BATCH_WRITES],
  );
});
