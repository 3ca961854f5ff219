// An output larger than Cloud Run's 32 MiB cap on a response with a Content-Length: where the API can
// sign, GET /jobs/{id}/outputs/{path} answers 302 to a V4 signed GET URL of the object; where it cannot
// (locally), it streams the file chunked, without Content-Length. Both ways a 40 MiB file arrives whole.
// fake-gcs-server does not check signatures, so the signed URL is made by the real signer with a
// throw-away key and read from the emulator, which serves it by path.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { get } from 'node:http';
import { after, before, test } from 'node:test';
import { Storage } from '@google-cloud/storage';
import { gcsOutputSigner } from '../../../shared/api/output-download-signer.js';
import { OUTPUT_REDIRECT_BYTES } from '../../../shared/api/routes/job-outputs.js';
import { startApi, KEYS, type ApiServer } from './support/api-server.js';

const MIB = 1024 * 1024;
// Not one repeated byte: a cut or reordered stream changes the digest.
const big = Buffer.alloc(40 * MIB);
for (let i = 0; i < big.length; i += 4) big.writeUInt32LE(i, i);
const digest = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let api: ApiServer;
let jobId: string;
before(async () => {
  api = await startApi();
  jobId = (await api.call<{ job_id: string }>('POST', '/jobs', { body: { prompt: 'a large output' } })).body.job_id;
  await api.env.storage.bucket(api.env.config.OUTPUTS_BUCKET).file(`jobs/${jobId}/outputs/data/big.bin`).save(big, { contentType: 'application/octet-stream', resumable: false });
});
after(() => api.close());

function getWithHost(url: URL, host: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

test('where the API cannot sign: a 40 MiB output is streamed whole, chunked, without Content-Length', async () => {
  assert.equal(api.deps.outputSigner, undefined, 'locally there is no signer');
  const res = await fetch(`${api.url}/jobs/${jobId}/outputs/data/big.bin`, { headers: { 'x-api-key': KEYS.alice }, redirect: 'manual' });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-length'), null, 'no Content-Length above the redirect size');
  assert.equal(res.headers.get('transfer-encoding'), 'chunked');
  assert.equal(res.headers.get('content-type'), 'application/octet-stream');
  const body = Buffer.from(await res.arrayBuffer());
  assert.equal(body.length, big.length);
  assert.equal(digest(body), digest(big));
});

test('where the API can sign: a 40 MiB output is a 302 to a V4 signed GET URL that serves it whole', async () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const signing = new Storage({ projectId: api.env.config.GOOGLE_CLOUD_PROJECT, credentials: { client_email: 'codex-enqueue@example.iam.gserviceaccount.com', private_key: privateKey } });
  api.deps.outputSigner = gcsOutputSigner(signing);
  try {
    const res = await fetch(`${api.url}/jobs/${jobId}/outputs/data/big.bin`, { headers: { 'x-api-key': KEYS.alice }, redirect: 'manual' });
    assert.equal(res.status, 302);
    const location = new URL(res.headers.get('location')!);
    assert.equal(location.pathname, `/${api.env.config.OUTPUTS_BUCKET}/jobs/${jobId}/outputs/data/big.bin`);
    assert.equal(location.searchParams.get('X-Goog-Algorithm'), 'GOOG4-RSA-SHA256');
    assert.match(location.searchParams.get('X-Goog-Credential') ?? '', /^codex-enqueue@example\.iam\.gserviceaccount\.com\//);
    assert.ok(Number(location.searchParams.get('X-Goog-Expires')) <= 15 * 60, 'a short-lived URL');
    assert.ok(location.searchParams.get('X-Goog-Signature'));
    assert.equal(location.searchParams.get('response-content-disposition'), "attachment; filename*=UTF-8''big.bin");
    // The client follows the redirect without its API key: the URL alone grants the read. The
    // emulator answers path-style signed URLs for the public host only, as Cloud Storage does.
    const download = await getWithHost(location, 'storage.googleapis.com');
    assert.equal(download.status, 200);
    assert.equal(digest(download.body), digest(big));

    // A small output is still served by the API itself, with its length.
    await api.env.storage.bucket(api.env.config.OUTPUTS_BUCKET).file(`jobs/${jobId}/outputs/small.txt`).save('small', { contentType: 'text/plain', resumable: false });
    const small = await fetch(`${api.url}/jobs/${jobId}/outputs/small.txt`, { headers: { 'x-api-key': KEYS.alice }, redirect: 'manual' });
    assert.equal(small.status, 200);
    assert.equal(small.headers.get('content-length'), '5');
    assert.equal(await small.text(), 'small');
    // Another owner still gets nothing to redirect to.
    const other = await fetch(`${api.url}/jobs/${jobId}/outputs/data/big.bin`, { headers: { 'x-api-key': KEYS.bob }, redirect: 'manual' });
    assert.equal(other.status, 404);
    assert.equal(other.headers.get('location'), null);
  } finally {
    delete api.deps.outputSigner;
  }
});

test('where signing is refused (the IAM Credentials API off, a missing grant), the file is still streamed whole', async () => {
  api.deps.outputSigner = async () => Promise.reject(new Error('Permission iam.serviceAccounts.signBlob denied'));
  try {
    const res = await fetch(`${api.url}/jobs/${jobId}/outputs/data/big.bin`, { headers: { 'x-api-key': KEYS.alice }, redirect: 'manual' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-length'), null);
    assert.equal(digest(Buffer.from(await res.arrayBuffer())), digest(big));
  } finally {
    delete api.deps.outputSigner;
  }
});

test('the redirect size is a few MiB, far under the 32 MiB response cap', () => {
  assert.ok(OUTPUT_REDIRECT_BYTES >= 1 * MIB && OUTPUT_REDIRECT_BYTES <= 8 * MIB);
});
