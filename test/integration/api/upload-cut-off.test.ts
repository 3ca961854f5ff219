// A PUT /uploads/{id} whose client goes away mid-body (less sent than its Content-Length, or a
// chunked body without its last chunk), or whose chunked framing is broken, is the client's fault:
// the route answers 400 (whoever is still there to read it), logs no "request failed" error, leaves
// no object behind, and the upload cannot start a job. Found by the hostile suite: reading such a
// body threw node's "aborted" error, which the API answered as a 500.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { uploadObjectName } from '../../../shared/workspace/upload-object.js';
import { exchange, type Framing } from '../../hostile/raw-http.js';
import { HOSTILE_KEYS, serveApi, type ServedApi } from '../../hostile/served-api.js';

let api: ServedApi;
before(async () => {
  api = await serveApi(async () => ['93.184.216.34']);
});
after(() => api.close());

const alice = { 'x-api-key': HOSTILE_KEYS.alice };

async function newUpload(): Promise<string> {
  const res = await fetch(`${api.url}/uploads`, { method: 'POST', headers: alice });
  assert.equal(res.status, 201);
  const { upload_id } = (await res.json()) as { upload_id: string };
  await api.settle(5000);
  return upload_id;
}

// gzip's first bytes, then more than the format sniff reads, so the route is streaming when the body stops.
const body = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08]), Buffer.alloc(4000, 7)]);

for (const framing of ['declared-larger', 'chunked-cut', 'bad-chunk-size'] as Framing[]) {
  test(`a ${framing} upload body: 400 on the server, no error logged, no object, no job from it`, async () => {
    const id = await newUpload();
    await exchange(api.url, { method: 'PUT', path: `/uploads/${id}`, headers: { ...alice, 'content-type': 'application/gzip' }, body, framing });
    const settled = await api.settle(5000);
    assert.ok(settled, 'the handler ended');
    assert.deepEqual(
      settled.outcomes.map((o) => o.status),
      [400],
      `logged: ${settled.errors.join(' | ')}`,
    );
    assert.deepEqual(settled.errors, [], 'no "request failed" error for a client that went away');
    const [exists] = await api.env.storage.bucket(api.env.config.UPLOADS_BUCKET).file(uploadObjectName('alice', id)).exists();
    assert.equal(exists, false, 'the partial object was removed');
    const job = await fetch(`${api.url}/jobs`, { method: 'POST', headers: { ...alice, 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'x', workspace: { upload_id: id } }) });
    assert.equal(job.status, 400, await job.text());
    await api.settle(5000);
  });
}
