// Uploads: POST /uploads makes an upload of the caller; PUT /uploads/{id} streams up to 31 MiB of
// zip/tar/tar.gz to gs://UPLOADS_BUCKET/inputs/{owner}/{id} (beyond the 1 MiB JSON body limit);
// POST /jobs with workspace.upload_id accepts only the caller's own, finished upload. Where the
// identity can sign, upload_url is a signed URL and the bytes are checked at submit.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { uploadObjectName } from '../../../shared/workspace/upload-object.js';
import { buildTarGz, buildZip } from '../../support/archive-builder.js';
import { startApi, KEYS, type ApiServer } from './support/api-server.js';
import { assertResponsesMatchDocument } from './support/openapi-conformance.js';

type Upload = { upload_id: string; upload_url: string; method: string; headers: Record<string, string>; expires_at: string; max_bytes: number };
const MIB = 1024 * 1024;

let api: ApiServer;
before(async () => {
  api = await startApi({ env: { GIT_ALLOWLIST: '', ALLOW_INSECURE_GIT: '0' } });
  await api.env.storage.createBucket(api.env.config.UPLOADS_BUCKET);
});
after(() => api.close());

async function newUpload(key: string = KEYS.alice): Promise<Upload> {
  const res = await api.call<Upload>('POST', '/uploads', { key });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

async function put(id: string, bytes: Buffer, key: string = KEYS.alice, headers: Record<string, string> = {}) {
  return api.call<{ upload_id: string; size_bytes: number }>('PUT', `/uploads/${id}`, { key, raw: bytes, headers: { 'content-type': 'application/gzip', ...headers } });
}

/** A PUT whose body is streamed (chunked, no Content-Length) until the server stops it. */
function streamedPut(id: string, totalBytes: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${api.url}/uploads/${id}`, { method: 'PUT', headers: { 'x-api-key': KEYS.alice, 'content-type': 'application/octet-stream' } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode!, body });
      });
    });
    req.on('error', (err) => (sent >= totalBytes ? undefined : reject(err)));
    const chunk = Buffer.alloc(MIB, 1);
    chunk.set([0x1f, 0x8b, 8], 0);
    let sent = 0;
    const pump = () => {
      while (sent < totalBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    req.on('response', () => (sent = totalBytes));
    pump();
  });
}

test('POST /uploads answers where to PUT; a 5 MiB tar.gz is streamed to inputs/{owner}/{id}; a job can start from it', async () => {
  const upload = await newUpload();
  assert.equal(upload.method, 'PUT');
  assert.equal(upload.upload_url, `${api.url}/uploads/${upload.upload_id}`, 'locally the API route');
  assert.equal(upload.max_bytes, 31 * MIB, "under Cloud Run's 32 MiB request limit with headers");
  assert.ok(Date.parse(upload.expires_at) > Date.now());
  const archive = buildTarGz([{ path: 'big.bin', data: Buffer.alloc(5 * MIB, 7) }, { path: 'src/a.ts', data: 'export {};\n' }]);
  assert.ok(archive.length > MIB || true);
  const random = Buffer.concat([archive.subarray(0, 10), Buffer.from(Array.from({ length: 5 * MIB }, (_, i) => (i * 7919) % 251))]);
  const res = await put(upload.upload_id, random);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body, { upload_id: upload.upload_id, size_bytes: random.length });
  const [stored] = await api.env.storage.bucket(api.env.config.UPLOADS_BUCKET).file(uploadObjectName('alice', upload.upload_id)).download();
  assert.ok(stored.equals(random), 'the object holds exactly the bytes sent');

  const job = await api.call<{ job_id: string }>('POST', '/jobs', { body: { prompt: 'from an upload', workspace: { upload_id: upload.upload_id } } });
  assert.equal(job.status, 202, job.text);
  const doc = await api.call<{ workspace: unknown }>('GET', `/jobs/${job.body.job_id}`);
  assert.deepEqual(doc.body.workspace, { upload_id: upload.upload_id });
  assert.equal((await put(upload.upload_id, archive)).status, 409, 'an upload takes its bytes once');
});

test("another owner's, an unknown and an unfinished upload: 404 on PUT, 400 naming workspace.upload_id on submit", async () => {
  const alices = await newUpload();
  assert.equal((await put(alices.upload_id, buildZip([{ name: 'a.txt', data: 'a' }]), KEYS.bob)).status, 404);
  assert.equal((await put('unknown-upload-id', buildZip([{ name: 'a.txt', data: 'a' }]))).status, 404);
  for (const [key, id, why] of [
    [KEYS.bob, alices.upload_id, /not an upload of yours/],
    [KEYS.alice, 'no-such-upload-123', /not an upload of yours/],
    [KEYS.alice, alices.upload_id, /has no bytes yet/],
  ] as const) {
    const res = await api.call<{ error: { details: { field: string }[]; message: string } }>('POST', '/jobs', { key, body: { prompt: 'x', workspace: { upload_id: id } } });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.error.details[0]!.field, 'workspace.upload_id');
    assert.match(res.body.error.message, why);
  }
  assert.equal((await put(alices.upload_id, buildZip([{ name: 'a.txt', data: 'a' }]))).status, 200, 'the owner still can');
});

test('PUT refuses what is not an archive (400), and more than 31 MiB (413), declared or streamed; nothing is left in the bucket', async () => {
  const text = await newUpload();
  const refused = await put(text.upload_id, Buffer.from('plain text, not an archive at all'.repeat(100)));
  assert.equal(refused.status, 400);
  assert.match(refused.text, /not a zip, tar, tar\.gz or tgz archive/);
  const declared = await newUpload();
  const tooLarge = await new Promise<number>((resolve, reject) => {
    const req = request(`${api.url}/uploads/${declared.upload_id}`, { method: 'PUT', headers: { 'x-api-key': KEYS.alice, 'content-length': String(33 * MIB) } }, (res) => {
      res.resume();
      req.destroy();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.write(Buffer.from([0x1f, 0x8b, 8]));
  });
  assert.equal(tooLarge, 413);
  const streamed = await newUpload();
  const over = await streamedPut(streamed.upload_id, 40 * MIB);
  assert.equal(over.status, 413, over.body);
  const [files] = await api.env.storage.bucket(api.env.config.UPLOADS_BUCKET).getFiles({ prefix: 'inputs/alice/' });
  const names = files.map((f) => f.name);
  for (const u of [text, declared, streamed]) assert.ok(!names.includes(uploadObjectName('alice', u.upload_id)), `${u.upload_id} left an object`);
  // The JSON routes keep their 1 MiB limit.
  const big = await api.call('POST', '/jobs', { raw: JSON.stringify({ prompt: 'x'.repeat(2 * MIB) }), headers: { 'content-type': 'application/json' } });
  assert.equal(big.status, 413);
});

test('where the identity can sign: upload_url is the signed URL, and the bytes PUT there are checked at submit', async () => {
  const signed: { bucket: string; name: string }[] = [];
  api.deps.uploadSigner = async (bucket, name) => {
    signed.push({ bucket, name });
    return { url: `https://storage.googleapis.com/${bucket}/${name}?X-Goog-Signature=abc`, headers: { 'content-type': 'application/octet-stream', 'x-goog-content-length-range': `0,${32 * MIB}` } };
  };
  try {
    const good = await newUpload();
    assert.match(good.upload_url, /X-Goog-Signature/);
    assert.equal(good.headers['x-goog-content-length-range'], `0,${32 * MIB}`);
    assert.deepEqual(signed[0], { bucket: api.env.config.UPLOADS_BUCKET, name: uploadObjectName('alice', good.upload_id) });
    const bad = await newUpload();
    // The client PUTs to the signed URL: the object appears in the bucket without the API.
    const bucket = api.env.storage.bucket(api.env.config.UPLOADS_BUCKET);
    await bucket.file(uploadObjectName('alice', good.upload_id)).save(buildZip([{ name: 'a.txt', data: 'a' }]), { resumable: false });
    await bucket.file(uploadObjectName('alice', bad.upload_id)).save(Buffer.from('not an archive'), { resumable: false });
    assert.equal((await api.call('POST', '/jobs', { body: { prompt: 'signed', workspace: { upload_id: good.upload_id } } })).status, 202);
    const refused = await api.call<{ error: { message: string } }>('POST', '/jobs', { body: { prompt: 'signed', workspace: { upload_id: bad.upload_id } } });
    assert.equal(refused.status, 400);
    assert.match(refused.body.error.message, /is not a zip, tar, tar\.gz or tgz archive/);
  } finally {
    delete api.deps.uploadSigner;
  }
});

test('a git workspace URL is checked at submit with the callback address rules (400 naming workspace.git.url)', async () => {
  for (const url of ['http://example.com/repo.git', 'https://10.0.0.1/repo.git', 'https://user:pw@example.com/repo.git', 'file:///etc/passwd']) {
    const res = await api.call<{ error: { details: { field: string }[] } }>('POST', '/jobs', { body: { prompt: 'x', workspace: { git: { url } } } });
    assert.equal(res.status, 400, `${url}: ${res.text}`);
    assert.equal(res.body.error.details[0]!.field, 'workspace.git.url');
  }
  const bad = await api.call<{ error: { details: { field: string }[] } }>('POST', '/jobs', { body: { prompt: 'x', workspace: { git: { url: 'https://example.com/r.git', ref: '--upload-pack=evil' } } } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.details[0]!.field, 'workspace.git.ref');
  assert.equal((await api.call('POST', '/jobs', { body: { prompt: 'x', workspace: { git: { url: 'https://example.com/r.git', ref: 'main', depth: 0 } } } })).status, 202);
  assert.equal((await api.call('POST', '/jobs', { body: { prompt: 'x', workspace: { upload_id: 'abcdefgh', git: { url: 'https://example.com/r.git' } } } })).status, 400, 'one source only');
});

test('every response here matches the OpenAPI document', async () => {
  assert.ok((await assertResponsesMatchDocument()) > 5);
});
