// Outputs: GET /jobs/{id}/outputs lists the files under gs://OUTPUTS_BUCKET/jobs/{id}/outputs/;
// GET /jobs/{id}/outputs/{path} streams one with its content type; traversal is refused.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { startApi, KEYS, type ApiServer } from './support/api-server.js';
import { assertResponsesMatchDocument } from './support/openapi-conformance.js';

type Files = { files: { filename: string; size_bytes: number; content_type: string; url: string }[] };

let api: ApiServer;
let jobId: string;
let otherJobId: string;
const big = Buffer.alloc(3 * 1024 * 1024, 'abcdefgh');
before(async () => {
  api = await startApi();
  jobId = (await api.call<{ job_id: string }>('POST', '/jobs', { body: { prompt: 'outputs' } })).body.job_id;
  otherJobId = (await api.call<{ job_id: string }>('POST', '/jobs', { body: { prompt: 'outputs' } })).body.job_id;
  const bucket = api.env.storage.bucket(api.env.config.OUTPUTS_BUCKET);
  await Promise.all([
    bucket.file(`jobs/${jobId}/outputs/report.md`).save('# Report\n', { contentType: 'text/markdown', resumable: false }),
    bucket.file(`jobs/${jobId}/outputs/src/main file.py`).save('print(1)\n', { contentType: 'text/x-python', resumable: false }),
    bucket.file(`jobs/${jobId}/outputs/data/big.bin`).save(big, { contentType: 'application/octet-stream', resumable: false }),
    bucket.file(`jobs/${otherJobId}/outputs/secret.txt`).save('other job', { contentType: 'text/plain', resumable: false }),
  ]);
});
after(() => api.close());

/** A request with the path sent exactly as written (fetch would normalise `..`). */
function rawGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${api.url}/`, { path, headers: { 'x-api-key': KEYS.alice } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('lists every file with its size, type and download url', async () => {
  const res = await api.call<Files>('GET', `/jobs/${jobId}/outputs`);
  assert.equal(res.status, 200);
  assert.deepEqual(
    res.body.files.map((f) => [f.filename, f.size_bytes, f.content_type]),
    [
      ['data/big.bin', big.length, 'application/octet-stream'],
      ['report.md', 9, 'text/markdown'],
      ['src/main file.py', 9, 'text/x-python'],
    ],
  );
  assert.equal(res.body.files[2]!.url, `${api.url}/jobs/${jobId}/outputs/src/main%20file.py`);
  const empty = await api.call<Files>('GET', `/jobs/${otherJobId}/outputs`, { key: KEYS.bob });
  assert.equal(empty.status, 404);
});

test('streams a file with its content type and length; a large file arrives whole', async () => {
  const listed = (await api.call<Files>('GET', `/jobs/${jobId}/outputs`)).body.files;
  const py = await fetch(listed.find((f) => f.filename.endsWith('.py'))!.url, { headers: { 'x-api-key': KEYS.alice } });
  assert.equal(py.status, 200);
  assert.equal(py.headers.get('content-type'), 'text/x-python');
  assert.equal(await py.text(), 'print(1)\n');
  const bin = await fetch(`${api.url}/jobs/${jobId}/outputs/data/big.bin`, { headers: { 'x-api-key': KEYS.alice } });
  assert.equal(bin.headers.get('content-length'), String(big.length));
  assert.ok(Buffer.from(await bin.arrayBuffer()).equals(big));
});

test('a missing file is 404; traversal in any spelling is 400 and never reaches another job', async () => {
  const missing = await api.call<{ error: { code: string } }>('GET', `/jobs/${jobId}/outputs/nope.txt`);
  assert.equal(missing.status, 404);
  for (const path of [
    `/jobs/${jobId}/outputs/../../${otherJobId}/outputs/secret.txt`,
    `/jobs/${jobId}/outputs/%2e%2e/%2e%2e/${otherJobId}/outputs/secret.txt`,
    `/jobs/${jobId}/outputs/..%2f..%2f${otherJobId}%2foutputs%2fsecret.txt`,
    `/jobs/${jobId}/outputs/%252e%252e/x`,
    `/jobs/${jobId}/outputs/a/./b`,
    `/jobs/${jobId}/outputs//etc/passwd`,
    `/jobs/${jobId}/outputs/%2fetc%2fpasswd`,
    `/jobs/${jobId}/outputs/a%5c..%5cb`,
    `/jobs/${jobId}/outputs/a%00b`,
  ]) {
    const res = await rawGet(path);
    assert.equal(res.status, 400, path);
    assert.equal((JSON.parse(res.body) as { error: { code: string } }).error.code, 'bad_request', path);
    assert.doesNotMatch(res.body, /other job/);
  }
});

test('every response in this file matches the OpenAPI document', async () => {
  await assertResponsesMatchDocument();
});
