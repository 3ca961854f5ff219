// Never a 500 for anything a client sends: fast-check generates and mutates methods, paths, query
// strings, headers and bodies (thousands of requests) against the API served by the Functions
// Framework; every answer is a 2xx, or a 4xx with the error envelope.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { errorEnvelopeSchema } from '../../../shared/api/api-schemas.js';
import { startApi, KEYS, type ApiServer } from './support/api-server.js';

let api: ApiServer;
let jobId: string;
let uploadId: string;
before(async () => {
  api = await startApi({ env: { ENV_SECRETS_KEY: 'e'.repeat(64) } });
  await api.call('PUT', '/environments/fuzz-env', { body: { setup: 'true', secrets: { T: 'v' } } });
  await api.env.storage.createBucket(api.env.config.UPLOADS_BUCKET);
  await api.env.storage.createBucket(api.env.config.RESULTS_BUCKET);
  uploadId = (await api.call<{ upload_id: string }>('POST', '/uploads')).body.upload_id;
  jobId = (await api.call<{ job_id: string }>('POST', '/jobs', { body: { prompt: 'fuzz target' } })).body.job_id;
  // Terminal, so an event stream on it ends at once instead of waiting for the job.
  await api.call('POST', `/jobs/${jobId}/cancel`);
});
after(() => api.close());

const segment = fc.oneof(
  fc.constantFrom('jobs', 'enqueue', 'status', 'queue', 'stats', 'events', 'outputs', 'cancel', 'health', 'openapi.json', 'uploads', 'changes', 'changes.patch', 'rerun', 'usage', 'environments', 'fuzz-env', '..', '.', '%2e%2e', '%', '%zz', '%C0%AF', '%00', '%E0%A4%A', '%2F'),
  fc.webSegment(),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);
const knownPaths = ['/jobs', '/enqueue', `/jobs/${'{id}'}`, `/status/{id}`, `/jobs/{id}/cancel`, `/jobs/{id}/events`, `/jobs/{id}/outputs`, `/jobs/{id}/outputs/a.txt`, '/queue/stats', '/health', '/openapi.json', '/uploads', '/uploads/{upload}', '/uploads/{id}', '/jobs/{id}/changes', '/jobs/{id}/changes.patch', '/jobs/{id}/rerun', '/environments', '/environments/fuzz-env', '/environments/{id}', '/usage'];
const path = fc.oneof(
  fc.constantFrom(...knownPaths).map((p) => p.replace('{id}', jobId).replace('{upload}', uploadId)),
  fc.array(segment, { minLength: 0, maxLength: 5 }).map((s) => '/' + s.join('/')),
  fc.tuple(fc.constantFrom(...knownPaths), segment).map(([p, s]) => p.replace('{id}', s)),
);
// No valid ?wait=N: a valid job would wait N seconds for a processor that is not there.
const query = fc.oneof(
  fc.constant(''),
  fc.webQueryParameters().filter((q) => !/(^|&)wait=\d/.test(q)).map((q) => `?${q}`),
  fc.constantFrom('?limit=0', '?limit=1000', '?limit=5&cursor=%%%', '?status=x', '?status=queued&status=failed', '?after=-5', '?after=1e3', '?wait=61', '?wait=', '?cursor=W1siIiwiIl1d', '?from=2026-02-30', '?from=2026-12-01&to=2026-01-01', '?from=1970-01-01', '?owner=*', '?owner=&from=x', '?to=9999-12-31'),
);
const jobRequest = fc.record(
  {
    prompt: fc.oneof(fc.string({ maxLength: 50 }), fc.constant(''), fc.integer(), fc.constant(null)),
    timeout_ms: fc.oneof(fc.integer({ min: -1, max: 4_000_000 }), fc.double(), fc.string({ maxLength: 5 })),
    priority: fc.oneof(fc.constantFrom('low', 'normal', 'high', 'critical', 'urgent'), fc.string({ maxLength: 5 })),
    metadata: fc.oneof(fc.dictionary(fc.string({ maxLength: 70 }), fc.oneof(fc.string({ maxLength: 20 }), fc.integer())), fc.array(fc.string())),
    callback_url: fc.oneof(fc.webUrl(), fc.constantFrom('http://127.0.0.1/x', 'https://[::1]/x', 'https://metadata.google.internal/', 'ftp://x.example.com/', 'https://u:p@x.example.com/'), fc.string({ maxLength: 20 })),
    session_id: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/), fc.string({ maxLength: 20 })),
    output_schema: fc.oneof(fc.jsonValue(), fc.constant({ type: 'object' })),
    max_total_tokens: fc.oneof(fc.integer(), fc.double()),
    workspace: fc.oneof(
      fc.jsonValue(),
      fc.record({ upload_id: fc.oneof(fc.string({ maxLength: 70 }), fc.constantFrom('abcdefgh12', 'x')) }),
      fc.record({ git: fc.record({ url: fc.oneof(fc.webUrl(), fc.string({ maxLength: 20 }), fc.constantFrom('https://127.0.0.1/r.git', 'file:///etc', 'https://example.com/r.git')), ref: fc.oneof(fc.string({ maxLength: 10 }), fc.constant('-x')), depth: fc.oneof(fc.integer({ min: -2, max: 5 }), fc.double()) }, { requiredKeys: [] }) }),
    ),
    environment: fc.oneof(fc.constantFrom('fuzz-env', 'missing-env', 'Bad Name', ''), fc.jsonValue(), fc.constant({ setup: 'true', secrets: { T: 'v' } })),
    extra: fc.jsonValue(),
  },
  { requiredKeys: [] },
);
const policy = fc.oneof(fc.constantFrom('on', 'off', 'sometimes'), fc.record({ allow: fc.array(fc.oneof(fc.domain(), fc.constantFrom('*.example.com', '@common-dependencies', '169.254.169.254', '*', 'http://x')), { maxLength: 3 }), methods: fc.array(fc.constantFrom('GET', 'HEAD', 'BREW'), { maxLength: 3 }) }, { requiredKeys: [] }), fc.jsonValue());
const environmentSpec = fc.record(
  {
    setup: fc.oneof(fc.string({ maxLength: 50 }), fc.jsonValue()),
    maintenance: fc.oneof(fc.string({ maxLength: 20 }), fc.integer()),
    cache: fc.oneof(fc.record({ paths: fc.array(fc.constantFrom('node_modules', '../x', '/abs', '', '.venv')), key_files: fc.array(fc.string({ maxLength: 10 })) }, { requiredKeys: [] }), fc.jsonValue()),
    env: fc.oneof(fc.dictionary(fc.string({ maxLength: 10 }), fc.oneof(fc.string({ maxLength: 10 }), fc.integer())), fc.jsonValue()),
    secrets: fc.oneof(fc.dictionary(fc.stringMatching(/^[A-Z_]{1,8}$/), fc.string({ maxLength: 10 })), fc.jsonValue()),
    network: fc.oneof(fc.record({ setup: policy, agent: policy }, { requiredKeys: [] }), fc.jsonValue()),
    extra: fc.jsonValue(),
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  fc.constant(undefined),
  jobRequest.map((r) => JSON.stringify(r)),
  fc.json().map(String),
  fc.string({ maxLength: 200 }),
  jobRequest.map((r) => JSON.stringify(r).slice(0, -3)),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
);
const headers = fc.record(
  {
    'content-type': fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'application/json; charset=foo', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/cloudevents+json', 'application/octet-stream', '*/*', 'garbage'),
    'x-api-key': fc.oneof(fc.constantFrom(KEYS.alice, KEYS.bob, KEYS.root, 'nope', ''), fc.string({ maxLength: 30 })),
    'idempotency-key': fc.oneof(fc.string({ maxLength: 30 }), fc.constant('x'.repeat(300))),
    'last-event-id': fc.oneof(fc.constantFrom('-1', '0', '99999999999', 'x'), fc.string({ maxLength: 10 })),
    'content-encoding': fc.constantFrom('gzip', 'deflate', 'br', 'foo', 'identity'),
    'x-cloud-trace-context': fc.string({ maxLength: 40 }),
  },
  { requiredKeys: [] },
);
const methods = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS');

let sent = 0;
async function check(method: string, p: string, h: Record<string, string>, b: string | Buffer | undefined): Promise<void> {
  let res: Response;
  try {
    res = await fetch(api.url + p, { method, headers: h, body: method === 'GET' ? undefined : (b as BodyInit | undefined), signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    // The client refused to build the request (an invalid header byte, say): nothing reached the server.
    if (err instanceof TypeError && !/fetch failed/.test(err.message)) return;
    throw err;
  }
  sent++;
  const text = await res.text();
  assert.ok(res.status < 500, `${method} ${p} → ${res.status} ${text.slice(0, 300)}`);
  if (res.status >= 400) {
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/, `${method} ${p} → ${res.status} is not JSON: ${text.slice(0, 200)}`);
    const envelope = errorEnvelopeSchema.safeParse(JSON.parse(text));
    assert.ok(envelope.success, `${method} ${p} → ${res.status} body is not the envelope: ${text.slice(0, 200)}`);
  }
}

test('generated requests of every shape: 2xx, or 4xx with the envelope', async () => {
  await fc.assert(
    fc.asyncProperty(methods, path, query, headers, body, async (m, p, q, h, b) => check(m, p + q, h, b)),
    { numRuns: 1500 },
  );
});

test('mutated job submissions: 2xx, or 4xx with the envelope', async () => {
  await fc.assert(
    fc.asyncProperty(jobRequest, fc.boolean(), fc.constantFrom('/jobs', '/enqueue'), async (request, idem, p) =>
      check('POST', p, { 'content-type': 'application/json', 'x-api-key': KEYS.alice, ...(idem ? { 'idempotency-key': 'fuzz' } : {}) }, JSON.stringify(request)),
    ),
    { numRuns: 700 },
  );
  assert.ok(sent >= 2000, `only ${sent} requests reached the server`);
});

test('mutated environments (PUT /environments/{name}): 2xx, or 4xx with the envelope', async () => {
  const name = fc.oneof(fc.constantFrom('fuzz-env', 'a', 'x'.repeat(63), 'x'.repeat(64), 'UP', '-a'), fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,10}$/), fc.string({ maxLength: 12 }).map(encodeURIComponent));
  await fc.assert(
    fc.asyncProperty(name, fc.oneof(environmentSpec.map((s) => JSON.stringify(s)), fc.string({ maxLength: 50 })), async (n, b) => check('PUT', `/environments/${n}`, { 'content-type': 'application/json', 'x-api-key': KEYS.alice }, b)),
    { numRuns: 400 },
  );
});
